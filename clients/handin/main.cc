// handin: the student CLI. Parses the command line and dispatches; the
// commands live in handin_client_lib (commands.h).

#include <unistd.h>

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "clients/handin/commands.h"
#include "clients/handin/deadlines.h"
#include "clients/handin/errors.h"
#include "clients/handin/receipt_verify.h"
#include "common/request_id.h"
#include "grpc/support/log.h"

int main(int argc, char** argv) {
  handin::client::GlobalOptions options;
  // One per run: every call of this command carries it (session.h).
  options.request_id = handin::NewRequestId();
  CLI::App app{
      "handin: submit course work to handin and check what it received."};
  app.name("handin");
  app.require_subcommand(1);
  // Global options may also come after the subcommand.
  app.fallthrough();
  // Any long option may also come from the config file, e.g.
  // `token = "eyJ..."` and `ca = "/path/ca.pem"`.
  app.set_config("--config", handin::client::DefaultConfigPath(),
                 "TOML file of option values (command line and environment "
                 "win)");
  app.add_option("--server", options.server, "host:port of the intake service")
      ->envname("HANDIN_SERVER")
      ->capture_default_str();
  app.add_option("--ca", options.ca_file,
                 "PEM CA file that signed the server's certificate (default: "
                 "the system's roots)")
      ->envname("HANDIN_CA");
  app.add_flag("--insecure", options.insecure,
               "talk plaintext instead of TLS (local experiments only)");
  app.add_option("--token", options.token,
                 "your token from course staff (calls act for its user)")
      ->envname("HANDIN_TOKEN");
  app.add_option("--course", options.course, "course id")
      ->envname("HANDIN_COURSE")
      ->capture_default_str();

  handin::client::SubmitOptions submit_options;
  CLI::App* submit = app.add_subcommand(
      "submit",
      "upload FILE for an item and print the receipt; warns and asks first "
      "if it would be late");
  submit
      ->add_option("--item", submit_options.item_id,
                   "item id, e.g. project-report")
      ->required();
  submit->add_flag("-y,--yes", submit_options.assume_yes,
                   "submit even if it would be late, without asking (needed "
                   "when stdin is not a terminal)");
  submit->add_option("FILE", submit_options.file_path, "the file to submit")
      ->required();
  submit
      ->add_option("--receipt-dir", submit_options.receipt_dir,
                   "directory to save the signed receipt in")
      ->envname("HANDIN_RECEIPT_DIR")
      ->capture_default_str();
  CLI::App* status =
      app.add_subcommand("status", "list your submissions in the course");
  handin::client::DeadlinesOptions deadlines_options;
  CLI::App* deadlines = app.add_subcommand(
      "deadlines",
      "list what you owe: upcoming items, or every item with --all");
  CLI::Option* all = deadlines->add_flag(
      "--all", deadlines_options.all, "list every item you owe, past ones too");
  deadlines
      ->add_option("--ics", deadlines_options.ics_file,
                   "write your deadlines as an iCalendar file to FILE "
                   "(default: the name the server suggests) instead")
      ->expected(0, 1)
      ->type_name("[FILE]")
      ->excludes(all);

  handin::client::ReceiptVerifyOptions verify_options;
  CLI::App* receipt =
      app.add_subcommand("receipt", "work with saved receipts (offline)");
  receipt->require_subcommand(1);
  CLI::App* verify = receipt->add_subcommand(
      "verify",
      "check a receipt's signature with the course's public key and, with "
      "--file, that FILE is what was submitted");
  verify
      ->add_option("RECEIPT", verify_options.receipt_path,
                   "the receipt file `handin submit` saved")
      ->required();
  verify
      ->add_option("--key", verify_options.public_key_path,
                   "the course's receipt public key (PEM), from staff")
      ->envname("HANDIN_RECEIPT_KEY")
      ->required();
  verify->add_option("--file", verify_options.file_path,
                     "prove this file is the one submitted");

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
                                  /*progress=*/isatty(STDERR_FILENO) == 1,
                                  /*in=*/&std::cin,
                                  /*interactive=*/isatty(STDIN_FILENO) == 1};
  if (submit->parsed()) {
    return handin::client::RunSubmit(options, submit_options, clock, console);
  }
  if (status->parsed()) return handin::client::RunStatus(options, console);
  if (verify->parsed()) {
    return handin::client::RunReceiptVerify(verify_options, console);
  }
  if (deadlines->parsed()) {
    deadlines_options.ics = deadlines->count("--ics") > 0;
    return handin::client::RunDeadlines(options, deadlines_options, console);
  }
  return handin::client::kExitLocalError;
}
