// handin-admin: staff tooling that works on a deployment's files. Parses
// the command line and dispatches; the commands live in handin_admin_lib.
//
//   handin-admin audit verify --data_dir DIR
//   handin-admin token issue --key FILE --user ID --role ROLE --course ID
//                            [--ttl 120d]
//   handin-admin storage checkpoint --addr HOST:PORT --token FILE
//                            --tls_ca F --tls_cert F --tls_key F

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "clients/admin/audit_command.h"
#include "clients/admin/storage_command.h"
#include "clients/admin/token_command.h"

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

  CLI::App* token =
      app.add_subcommand("token", "bearer tokens for handin's services");
  token->require_subcommand(1);
  handin::admin::TokenIssueRequest issue_request;
  issue_request.ttl = "120d";
  CLI::App* issue = token->add_subcommand(
      "issue",
      "sign a token with the course's key and print it on stdout (and whom "
      "it is for on stderr). Students put theirs in HANDIN_TOKEN or the "
      "client's config; staff pass theirs to grpcurl as "
      "-H 'authorization: Bearer TOKEN'");
  issue
      ->add_option("--key", issue_request.key_file,
                   "the course's token signing key (P-256 private key, PEM; "
                   "scripts/up makes var/keys/token.key)")
      ->required();
  issue->add_option("--user", issue_request.user, "the user id it is for")
      ->required();
  issue
      ->add_option("--role", issue_request.role,
                   "student, grader, instructor or service")
      ->required();
  issue->add_option("--course", issue_request.course, "the course id")
      ->required();
  issue->add_option("--ttl", issue_request.ttl,
                    "lifetime, e.g. 120d (default: a semester), 36h, 90m; "
                    "at most 366d");

  CLI::App* storage =
      app.add_subcommand("storage", "ask a running storage shard");
  storage->require_subcommand(1);
  handin::admin::StorageCheckpointRequest checkpoint_request;
  CLI::App* checkpoint = storage->add_subcommand(
      "checkpoint",
      "make an online checkpoint of a storage shard's database while it "
      "serves, and print its directory on the storage host, when it was "
      "made and its audit head (what audit verify must print for it). "
      "Needs a token of the service identity backup (token issue --user "
      "backup --role service --course '*'). Exit 0 when made, 2 otherwise");
  // Every option of `storage checkpoint` is required.
  const auto option = [checkpoint](const char* name, std::string& value,
                                   const char* help) {
    checkpoint->add_option(name, value, help)->required();
  };
  option("--addr", checkpoint_request.addr,
         "host:port of the storage shard, e.g. localhost:50053");
  option("--token", checkpoint_request.token_file,
         "file holding the backup token; /dev/stdin reads it from standard "
         "input");
  option("--tls_ca", checkpoint_request.tls_ca,
         "PEM CA that signed storage's certificate (the course CA)");
  option("--tls_cert", checkpoint_request.tls_cert,
         "PEM client certificate signed by the course CA: storage requires "
         "mutual TLS");
  option("--tls_key", checkpoint_request.tls_key,
         "PEM private key of --tls_cert");

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
  if (issue->parsed()) {
    return handin::admin::RunTokenIssue(issue_request, absl::Now(), std::cout,
                                        std::cerr);
  }
  if (checkpoint->parsed()) {
    return handin::admin::RunStorageCheckpoint(checkpoint_request, std::cout,
                                               std::cerr);
  }
  return handin::admin::kExitError;
}
