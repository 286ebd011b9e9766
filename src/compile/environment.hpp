// ${NAME} and ${NAME:-default} in document strings (an upstream's URL, the database), read from
// the environment once, at start-up, so that secrets stay out of the document.
#pragma once

#include <string>

namespace apiserver::compile {

// `text` with every ${...} replaced; false, with `error` saying why, when a variable without a
// default is unset or empty, or a ${ is not closed.
bool expand_environment(const std::string& text, std::string& out, std::string& error);

}  // namespace apiserver::compile
