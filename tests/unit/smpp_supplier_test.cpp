// The SMPP supplier of a sender worker against the SMSC simulator over loopback, without Kafka:
// parts go out with sar_* TLVs (the smsc counts them so), a message finishes when every part is
// answered, a number that cannot be an SMPP address fails at once, and each receipt is handed to
// the worker with an ack that reaches the SMSC as deliver_sm_resp only when the worker says its
// report is durable.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "sender/smpp_client_io.hpp"
#include "sender/smpp_supplier.hpp"
#include "smsc/smsc_server.hpp"

using namespace smsim;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

class RunningSmsc {
 public:
  explicit RunningSmsc(smsc::SmscSettings settings) {
    settings.port = 0;
    settings.metrics_port = -1;
    server_ = std::make_unique<smsc::SmscServer>(io_, std::move(settings));
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RunningSmsc() {
    asio::post(io_, [this] { server_->stop(100ms); });
    thread_.join();
  }
  std::uint16_t port() const { return server_->port(); }
  std::string metrics() {
    std::promise<std::string> text;
    asio::post(io_, [&] { text.set_value(server_->metrics_text()); });
    return text.get_future().get();
  }

 private:
  asio::io_context io_{1};
  std::unique_ptr<smsc::SmscServer> server_;
  std::thread thread_;
};

struct Recorder : sender::SupplierEvents {
  std::vector<domain::PartSubmit> parts;
  std::map<std::uint64_t, sender::MessageResult> finished;
  std::vector<std::pair<records::DeliveryReportRecord, std::uint64_t>> reports;
  void part_answered(std::uint64_t, const domain::PartSubmit& submit) override { parts.push_back(submit); }
  void message_finished(std::uint64_t ticket, sender::MessageResult result) override {
    finished.emplace(ticket, std::move(result));
  }
  void delivery_report(const records::DeliveryReportRecord& report, std::uint64_t ack) override {
    reports.emplace_back(report, ack);
  }
};

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 10000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace

TEST(SmppSupplier, SubmitsPartsWithSarAndAcknowledgesReceiptsOnlyWhenTold) {
  smsc::SmscSettings smsc_settings;
  smsc_settings.receipt_delay = 0s;
  smsc_settings.receipts = {1.0, 0, 0, 0};
  RunningSmsc smsc(smsc_settings);

  sender::SenderSettings settings;
  settings.window = 4;
  settings.smpp = sender::SmppSettings{};
  settings.smpp->port = smsc.port();
  settings.smpp->concatenation = smpp::Concatenation::Sar;
  sender::SmppClientIo io;
  std::atomic<int> wakes{0};
  sender::SmppSupplier supplier(settings, "test-1", io, [&] { wakes.fetch_add(1); });
  Recorder events;

  const std::string long_text(400, 'x');  // 3 GSM-7 parts
  supplier.submit({1, "c:0", "+4915112345678", long_text, 3});
  supplier.submit({2, "c:1", "+4915112345678", "Привет", 1});  // UCS-2
  supplier.submit({3, "c:2", "not a number", "hello", 1});
  EXPECT_FALSE(supplier.has_room()) << "4 parts in progress (the bad number never counts) fill a window of 4";
  ASSERT_TRUE(eventually([&] {
    supplier.poll(events);
    return events.finished.size() == 3;
  })) << events.finished.size() << " finished";
  EXPECT_TRUE(supplier.idle());
  EXPECT_TRUE(supplier.has_room());
  EXPECT_GT(wakes.load(), 0) << "answers wake the worker";

  const auto& three = events.finished.at(1);
  EXPECT_EQ(three.outcome, domain::Outcome::Sent);
  EXPECT_EQ(three.supplier_ids.size(), 3u);
  EXPECT_EQ(std::set<std::string>(three.supplier_ids.begin(), three.supplier_ids.end()).size(), 3u);
  EXPECT_GT(three.processing_time.count(), 0);
  EXPECT_TRUE(three.final_submit.accepted);
  EXPECT_TRUE(three.final_submit.report_expected) << "a transceiver asks for receipts";
  EXPECT_EQ(events.parts.size(), 2u) << "every answer but the last is a part answer of its own";
  EXPECT_EQ(events.finished.at(2).outcome, domain::Outcome::Sent);
  const auto& bad = events.finished.at(3);
  EXPECT_EQ(bad.outcome, domain::Outcome::Failed);
  EXPECT_NE(bad.final_submit.error.find("ESME_RINVDSTADR"), std::string::npos) << bad.final_submit.error;
  EXPECT_NE(smsc.metrics().find("smsc_parts_total{kind=\"sar\"} 3"), std::string::npos) << smsc.metrics();

  // One receipt per accepted part (4), each naming its message and part, none acknowledged yet.
  ASSERT_TRUE(eventually([&] {
    supplier.poll(events);
    return events.reports.size() == 4;
  }));
  std::set<std::pair<std::string, int>> parts;
  for (const auto& [report, ack] : events.reports) {
    EXPECT_NE(ack, 0u);
    EXPECT_NE(report.receipt.find("stat:DELIVRD"), std::string::npos) << report.receipt;
    parts.emplace(report.message_id, report.part);
  }
  EXPECT_EQ(parts, (std::set<std::pair<std::string, int>>{{"c:0", 1}, {"c:0", 2}, {"c:0", 3}, {"c:1", 1}}));
  std::this_thread::sleep_for(100ms);
  EXPECT_NE(smsc.metrics().find("smsc_receipts_total{event=\"acknowledged\"} 0"), std::string::npos);
  // The worker says the reports are durable: now the SMSC hears deliver_sm_resp.
  for (const auto& [report, ack] : events.reports) supplier.receipt_stored(ack);
  ASSERT_TRUE(eventually([&] {
    supplier.poll(events);
    return smsc.metrics().find("smsc_receipts_total{event=\"acknowledged\"} 4") != std::string::npos;
  })) << smsc.metrics();

  domain::SenderSettingsInfo info;
  supplier.describe(info);
  ASSERT_TRUE(info.smpp.has_value());
  EXPECT_EQ(info.smpp->state, "bound");
  EXPECT_EQ(info.smpp->submitted, 4u);
  EXPECT_EQ(info.smpp->receipts, 4u);
  EXPECT_EQ(info.window, 4);
}
