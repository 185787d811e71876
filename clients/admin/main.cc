// handin-admin: staff tooling that works on a deployment's files. Parses
// the command line and dispatches; the commands live in handin_admin_lib.
//
//   handin-admin audit verify --data_dir DIR
//
// Further commands (e.g. `handin-admin token issue`) join as subcommands.

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "clients/admin/audit_command.h"

int main(int argc, char** argv) {
  CLI::App app{"handin-admin: staff tooling for a handin deployment."};
  app.name("handin-admin");
  app.require_subcommand(1);

  CLI::App* audit =
      app.add_subcommand("audit", "inspect the storage audit log");
  audit->require_subcommand(1);
  std::string data_dir;
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "walk the hash chain of the audit log and report the first break; "
      "exit 0 when intact, 1 when broken, 2 when it cannot be read. Opens "
      "the database read-only, so it may run while handin-storage does");
  verify
      ->add_option("--data_dir", data_dir,
                   "the storage service's data directory (its --data_dir)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "handin-admin: " << e.what() << " (see handin-admin --help)\n";
    return handin::admin::kExitError;
  }
  if (verify->parsed()) {
    return handin::admin::RunAuditVerify(data_dir, std::cout, std::cerr);
  }
  return handin::admin::kExitError;
}
