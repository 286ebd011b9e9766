// Starts ReDoc on the page /redoc serves; the page names the document in data-openapi-url.
// A file of its own rather than an inline script, so the page's Content-Security-Policy can
// allow scripts from the server only.
window.addEventListener("load", function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.getAttribute("data-openapi-url"), {}, root);
});
