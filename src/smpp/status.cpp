#include "smpp/status.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace smsim::smpp::status {
namespace {

constexpr std::array<std::pair<std::uint32_t, std::string_view>, 34> kNames = {{
    {kOk, "ESME_ROK"},
    {kInvMsgLen, "ESME_RINVMSGLEN"},
    {kInvCmdLen, "ESME_RINVCMDLEN"},
    {kInvCmdId, "ESME_RINVCMDID"},
    {kInvBndSts, "ESME_RINVBNDSTS"},
    {kAlyBnd, "ESME_RALYBND"},
    {kInvPrtFlg, "ESME_RINVPRTFLG"},
    {kInvRegDlvFlg, "ESME_RINVREGDLVFLG"},
    {kSysErr, "ESME_RSYSERR"},
    {kInvSrcAdr, "ESME_RINVSRCADR"},
    {kInvDstAdr, "ESME_RINVDSTADR"},
    {kInvMsgId, "ESME_RINVMSGID"},
    {kBindFail, "ESME_RBINDFAIL"},
    {kInvPaswd, "ESME_RINVPASWD"},
    {kInvSysId, "ESME_RINVSYSID"},
    {kMsgQFul, "ESME_RMSGQFUL"},
    {kInvSerTyp, "ESME_RINVSERTYP"},
    {kInvEsmClass, "ESME_RINVESMCLASS"},
    {kSubmitFail, "ESME_RSUBMITFAIL"},
    {kInvSysTyp, "ESME_RINVSYSTYP"},
    {kThrottled, "ESME_RTHROTTLED"},
    {kInvSched, "ESME_RINVSCHED"},
    {kInvExpiry, "ESME_RINVEXPIRY"},
    {kInvDftMsgId, "ESME_RINVDFTMSGID"},
    {kTempAppError, "ESME_RX_T_APPN"},
    {kPermAppError, "ESME_RX_P_APPN"},
    {kRejectAppError, "ESME_RX_R_APPN"},
    {kInvOptParStream, "ESME_RINVOPTPARSTREAM"},
    {kOptParNotAllwd, "ESME_ROPTPARNOTALLWD"},
    {kInvParLen, "ESME_RINVPARLEN"},
    {kMissingOptParam, "ESME_RMISSINGOPTPARAM"},
    {kInvOptParamVal, "ESME_RINVOPTPARAMVAL"},
    {kDeliveryFailure, "ESME_RDELIVERYFAILURE"},
    {kUnknownErr, "ESME_RUNKNOWNERR"},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string name(std::uint32_t s) {
  for (const auto& [value, text] : kNames) {
    if (value == s) return std::string(text);
  }
  return fmt::format("0x{:08X}", s);
}

std::optional<std::uint32_t> parse(std::string_view text) {
  for (const auto& [value, full] : kNames) {
    if (iequals(text, full) || iequals(text, full.substr(5))) return value;
  }
  return std::nullopt;
}

}  // namespace smsim::smpp::status
