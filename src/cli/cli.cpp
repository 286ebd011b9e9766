#include "cli/cli.hpp"

namespace apiserver::cli {
int run(int, char**) { return 0; }
}  // namespace apiserver::cli
