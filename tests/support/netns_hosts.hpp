#pragma once
// Other "hosts" for one test: the network namespaces of scripts/netns-hosts.sh (kafka, gateway,
// sender1, sender2, and this machine on .1), under a prefix and a /24 of this test's own, so that
// nothing is shared with anyone else. Built in the constructor, torn down in the destructor (which
// also kills whatever still runs inside them), pass or fail.
//
// A machine where namespaces cannot be made fails the test loudly (the constructor throws with the
// script's output); it is never skipped.
#include <string>

namespace smsim::test {

class NetnsHosts {
 public:
  NetnsHosts();
  ~NetnsHosts();
  NetnsHosts(const NetnsHosts&) = delete;
  NetnsHosts& operator=(const NetnsHosts&) = delete;

  /// The namespace of a host ("kafka", "gateway", "sender1", "sender2").
  std::string ns(const std::string& host) const { return prefix_ + "-" + host; }
  /// Its address on the shared segment.
  std::string address(const std::string& host) const;
  /// `ip link set eth0 down` inside the host's namespace, and back up.
  void cut(const std::string& host) const;
  void restore(const std::string& host) const;

 private:
  std::string run(const std::string& arguments) const;  // the script; throws on a non-zero exit
  std::string prefix_;
  std::string subnet_;
  bool up_ = false;
};

}  // namespace smsim::test
