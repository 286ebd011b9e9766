// Starts Swagger UI on the page /docs serves; the page names the document in data-openapi-url.
// A file of its own rather than an inline script, so the page's Content-Security-Policy can
// allow scripts from the server only.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    showExtensions: true,
  });
});
