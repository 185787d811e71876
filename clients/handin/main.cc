// handin: the student CLI. Parses the command line and dispatches; the
// commands live in handin_client_lib (commands.h).

#include <unistd.h>

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "clients/handin/commands.h"
#include "clients/handin/errors.h"
#include "grpc/support/log.h"

int main(int argc, char** argv) {
  handin::client::GlobalOptions options;
  CLI::App app{
      "handin: submit course work to handin and check what it received."};
  app.name("handin");
  app.require_subcommand(1);
  // Global options may also come after the subcommand.
  app.fallthrough();
  app.add_option("--server", options.server, "host:port of the intake service")
      ->envname("HANDIN_SERVER")
      ->capture_default_str();
  app.add_option("--ca", options.ca_file,
                 "PEM CA file that signed the server's certificate (default: "
                 "the system's roots)")
      ->envname("HANDIN_CA");
  app.add_flag("--insecure", options.insecure,
               "talk plaintext instead of TLS (local experiments only)");
  app.add_option("--user", options.user, "your user id (uniqname)")
      ->envname("HANDIN_USER");
  app.add_option("--course", options.course, "course id")
      ->envname("HANDIN_COURSE")
      ->capture_default_str();

  std::string item;
  std::string file;
  CLI::App* submit = app.add_subcommand(
      "submit", "upload FILE for an item and print the receipt");
  submit->add_option("--item", item, "item id, e.g. project-report")
      ->required();
  submit->add_option("FILE", file, "the file to submit")->required();
  CLI::App* status =
      app.add_subcommand("status", "list your submissions in the course");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "handin: " << e.what() << " (see handin --help)\n";
    return handin::client::kExitLocalError;
  }

  // Errors reach the student as one "handin: " line; gRPC's own log lines
  // (e.g. a failed TLS handshake) would only repeat them less clearly.
  gpr_set_log_function([](gpr_log_func_args*) {});
  handin::SystemClock clock;
  handin::client::Console console{std::cout, std::cerr,
                                  /*progress=*/isatty(STDERR_FILENO) == 1};
  if (submit->parsed()) {
    return handin::client::RunSubmit(options, item, file, clock, console);
  }
  if (status->parsed()) return handin::client::RunStatus(options, console);
  return handin::client::kExitLocalError;
}
