#ifndef HANDIN_TESTS_TESTING_PORTS_H_
#define HANDIN_TESTS_TESTING_PORTS_H_

namespace handin::testing {

// Returns a loopback TCP port that nothing listened on a moment ago, for
// tests of "the server is not running". (Another process could take it
// afterwards; on a test machine that is vanishingly rare.)
int UnusedPort();

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_PORTS_H_
