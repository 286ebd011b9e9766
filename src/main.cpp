#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return apiserver::cli::run(argc, argv);
}
