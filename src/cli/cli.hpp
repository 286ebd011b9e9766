// Command line: `apiserver SPEC [options]`, `apiserver routes SPEC`, `apiserver validate SPEC`.
#pragma once

namespace apiserver::cli {

// Parses arguments and environment, runs the chosen command; returns the exit code.
int run(int argc, char** argv);

}  // namespace apiserver::cli
