#pragma once
// SMPP 3.4 command_status values (section 5.1.3) and their names, for answers, logs and metrics.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsim::smpp::status {

inline constexpr std::uint32_t kOk = 0x00;               // ESME_ROK
inline constexpr std::uint32_t kInvMsgLen = 0x01;        // ESME_RINVMSGLEN
inline constexpr std::uint32_t kInvCmdLen = 0x02;        // ESME_RINVCMDLEN
inline constexpr std::uint32_t kInvCmdId = 0x03;         // ESME_RINVCMDID
inline constexpr std::uint32_t kInvBndSts = 0x04;        // ESME_RINVBNDSTS
inline constexpr std::uint32_t kAlyBnd = 0x05;           // ESME_RALYBND
inline constexpr std::uint32_t kInvPrtFlg = 0x06;        // ESME_RINVPRTFLG
inline constexpr std::uint32_t kInvRegDlvFlg = 0x07;     // ESME_RINVREGDLVFLG
inline constexpr std::uint32_t kSysErr = 0x08;           // ESME_RSYSERR
inline constexpr std::uint32_t kInvSrcAdr = 0x0A;        // ESME_RINVSRCADR
inline constexpr std::uint32_t kInvDstAdr = 0x0B;        // ESME_RINVDSTADR
inline constexpr std::uint32_t kInvMsgId = 0x0C;         // ESME_RINVMSGID
inline constexpr std::uint32_t kBindFail = 0x0D;         // ESME_RBINDFAIL
inline constexpr std::uint32_t kInvPaswd = 0x0E;         // ESME_RINVPASWD
inline constexpr std::uint32_t kInvSysId = 0x0F;         // ESME_RINVSYSID
inline constexpr std::uint32_t kMsgQFul = 0x14;          // ESME_RMSGQFUL
inline constexpr std::uint32_t kInvSerTyp = 0x15;        // ESME_RINVSERTYP
inline constexpr std::uint32_t kInvEsmClass = 0x43;      // ESME_RINVESMCLASS
inline constexpr std::uint32_t kSubmitFail = 0x45;       // ESME_RSUBMITFAIL
inline constexpr std::uint32_t kInvSysTyp = 0x53;        // ESME_RINVSYSTYP
inline constexpr std::uint32_t kThrottled = 0x58;        // ESME_RTHROTTLED
inline constexpr std::uint32_t kInvSched = 0x61;         // ESME_RINVSCHED
inline constexpr std::uint32_t kInvExpiry = 0x62;        // ESME_RINVEXPIRY
inline constexpr std::uint32_t kInvDftMsgId = 0x63;      // ESME_RINVDFTMSGID
inline constexpr std::uint32_t kTempAppError = 0x64;     // ESME_RX_T_APPN
inline constexpr std::uint32_t kPermAppError = 0x65;     // ESME_RX_P_APPN
inline constexpr std::uint32_t kRejectAppError = 0x66;   // ESME_RX_R_APPN
inline constexpr std::uint32_t kInvOptParStream = 0xC0;  // ESME_RINVOPTPARSTREAM
inline constexpr std::uint32_t kOptParNotAllwd = 0xC1;   // ESME_ROPTPARNOTALLWD
inline constexpr std::uint32_t kInvParLen = 0xC2;        // ESME_RINVPARLEN
inline constexpr std::uint32_t kMissingOptParam = 0xC3;  // ESME_RMISSINGOPTPARAM
inline constexpr std::uint32_t kInvOptParamVal = 0xC4;   // ESME_RINVOPTPARAMVAL
inline constexpr std::uint32_t kDeliveryFailure = 0xFE;  // ESME_RDELIVERYFAILURE
inline constexpr std::uint32_t kUnknownErr = 0xFF;       // ESME_RUNKNOWNERR

/// "ESME_RTHROTTLED", ...; "0x000000NN" for a value without a name here.
std::string name(std::uint32_t status);
/// The inverse of name() for the named values (case-insensitive; the "ESME_" prefix may be left out).
std::optional<std::uint32_t> parse(std::string_view text);

/// Answers a client should retry later rather than count as a rejection: the SMSC was busy
/// (ESME_RTHROTTLED: over the account's rate; ESME_RMSGQFUL: its queue or window is full).
inline bool is_transient(std::uint32_t s) { return s == kThrottled || s == kMsgQFul; }

}  // namespace smsim::smpp::status
