#pragma once
// The SMPP side of one `smsim sender --smsc` program: one I/O thread running every sender's
// session (event-driven; not a thread per session), and the map from supplier message ids to the
// parts they stand for, which turns a receipt (it names only the SMSC's id) into a delivery report
// keyed by the whole message id. A receipt may arrive on any session of the program (the SMSC
// delivers to any receiver of the system_id), so the map is the program's, not a session's.
//
// Lifecycle: constructed by SenderProgram before its workers, destroyed after them (the thread
// is joined). Threads: the registry is touched only on the I/O thread.
#include <boost/asio.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <unordered_map>

namespace smsim::sender {

class SupplierIdRegistry {
 public:
  struct Part {
    std::string message_id;
    int part = 1, total_parts = 1;
  };
  /// Remembers at most `capacity` ids; beyond it the oldest are forgotten (their receipts then
  /// count as unmatched).
  explicit SupplierIdRegistry(std::size_t capacity = 2'000'000) : capacity_(capacity) {}
  void add(const std::string& supplier_id, Part part);
  const Part* find(const std::string& supplier_id) const;
  void erase(const std::string& supplier_id);
  std::size_t size() const { return parts_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, Part> parts_;
  std::deque<std::string> order_;  // insertion order, for the capacity
};

class SmppClientIo {
 public:
  SmppClientIo();
  ~SmppClientIo();
  SmppClientIo(const SmppClientIo&) = delete;
  SmppClientIo& operator=(const SmppClientIo&) = delete;

  boost::asio::io_context& io() { return io_; }
  SupplierIdRegistry& registry() { return registry_; }  // I/O thread only

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  SupplierIdRegistry registry_;
  std::thread thread_;
};

}  // namespace smsim::sender
