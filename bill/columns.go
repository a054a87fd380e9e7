package bill

// Kind is the type of a bill, which decides the columns it must have.
type Kind string

// The kinds of bill. Detect picks one from the header (see NewReader).
const (
	Detect        Kind = ""
	TradeAll      Kind = "TRADE_ALL"     // v3/bill/tradebill bill_type=ALL; v2 downloadbill bill_type=ALL
	TradeSuccess  Kind = "TRADE_SUCCESS" // bill_type=SUCCESS
	TradeRefund   Kind = "TRADE_REFUND"  // bill_type=REFUND
	Fund          Kind = "FUND"          // v3/bill/fundflowbill (and the sub-merchant fund bill)
	ProfitSharing Kind = "PROFIT_SHARING"
	// Other is a bill of the same family whose header matches none of the
	// above: every column is kept, none is required.
	Other Kind = "OTHER"
)

// Columns of the trade bills (ALL, SUCCESS, REFUND; the v2 downloadbill
// answer has the same ones).
const (
	TradeTime           = "交易时间"
	AppID               = "公众账号ID"
	MchID               = "商户号"
	SubMchID            = "特约商户号"
	DeviceInfo          = "设备号"
	TransactionID       = "微信订单号"
	OutTradeNo          = "商户订单号"
	OpenID              = "用户标识"
	TradeType           = "交易类型"
	TradeState          = "交易状态"
	BankType            = "付款银行"
	Currency            = "货币种类"
	SettlementAmount    = "应结订单金额"
	CouponAmount        = "代金券金额"
	RefundApplyTime     = "退款申请时间" // REFUND bills only
	RefundSuccessTime   = "退款成功时间" // REFUND bills only
	RefundID            = "微信退款单号"
	OutRefundNo         = "商户退款单号"
	RefundAmount        = "退款金额"
	CouponRefundAmount  = "充值券退款金额"
	RefundType          = "退款类型"
	RefundStatus        = "退款状态"
	ProductName         = "商品名称"
	Attach              = "商户数据包"
	Fee                 = "手续费" // five decimals, negative on refunds
	FeeRate             = "费率"  // a percentage, "0.60%"
	OrderAmount         = "订单金额"
	RefundRequestAmount = "申请退款金额"
	FeeRateNote         = "费率备注"
)

// Columns of the trade bills' summary.
const (
	TotalCount               = "总交易单数"
	TotalSettlementAmount    = "应结订单总金额"
	TotalRefundAmount        = "退款总金额"
	TotalCouponRefundAmount  = "充值券退款总金额"
	TotalFee                 = "手续费总金额"
	TotalOrderAmount         = "订单总金额"
	TotalRefundRequestAmount = "申请退款总金额"
)

// Columns of the fund bill.
const (
	BookingTime     = "记账时间"
	BusinessOrderID = "微信支付业务单号"
	FlowID          = "资金流水单号"
	BusinessName    = "业务名称"
	BusinessType    = "业务类型"
	FlowType        = "收支类型" // 收入 (income) or 支出 (expense)
	FlowAmount      = "收支金额(元)"
	Balance         = "账户结余(元)"
	Applicant       = "资金变更提交申请人"
	Remark          = "备注"    // line breaks escaped as the text \r and \n
	VoucherNo       = "业务凭证号" // line breaks escaped as the text \r and \n
)

// Columns of the fund bill's summary, and the values of FlowType.
const (
	FundTotalCount = "资金流水总笔数"
	IncomeCount    = "收入笔数"
	IncomeAmount   = "收入金额"
	ExpenseCount   = "支出笔数"
	ExpenseAmount  = "支出金额"
	FlowIncome     = "收入"
	FlowExpense    = "支出"
)

var (
	tradeSuccessColumns = []string{TradeTime, AppID, MchID, SubMchID, DeviceInfo, TransactionID, OutTradeNo, OpenID,
		TradeType, TradeState, BankType, Currency, SettlementAmount, CouponAmount, ProductName, Attach, Fee, FeeRate,
		OrderAmount, FeeRateNote}
	tradeAllColumns = []string{TradeTime, AppID, MchID, SubMchID, DeviceInfo, TransactionID, OutTradeNo, OpenID,
		TradeType, TradeState, BankType, Currency, SettlementAmount, CouponAmount, RefundID, OutRefundNo, RefundAmount,
		CouponRefundAmount, RefundType, RefundStatus, ProductName, Attach, Fee, FeeRate, OrderAmount,
		RefundRequestAmount, FeeRateNote}
	tradeRefundColumns = []string{TradeTime, AppID, MchID, SubMchID, DeviceInfo, TransactionID, OutTradeNo, OpenID,
		TradeType, TradeState, BankType, Currency, SettlementAmount, CouponAmount, RefundApplyTime, RefundSuccessTime,
		RefundID, OutRefundNo, RefundAmount, CouponRefundAmount, RefundType, RefundStatus, ProductName, Attach, Fee,
		FeeRate, OrderAmount, RefundRequestAmount, FeeRateNote}
	fundColumns = []string{BookingTime, BusinessOrderID, FlowID, BusinessName, BusinessType, FlowType, FlowAmount,
		Balance, Applicant, Remark, VoucherNo}
)

// Columns returns the documented columns of a kind's detail rows, in the
// documented order: the ones a header of that kind must have. ProfitSharing
// and Other require none (issue 20 documents no list for them; every column
// is read by the header's names).
func Columns(k Kind) []string {
	switch k {
	case TradeAll:
		return append([]string(nil), tradeAllColumns...)
	case TradeSuccess:
		return append([]string(nil), tradeSuccessColumns...)
	case TradeRefund:
		return append([]string(nil), tradeRefundColumns...)
	case Fund:
		return append([]string(nil), fundColumns...)
	}
	return nil
}

// SummaryColumns returns the documented summary columns of a kind (newer
// merchants' summary; older ones may differ, which the reader handles by
// name).
func SummaryColumns(k Kind) []string {
	switch k {
	case TradeAll, TradeRefund:
		return []string{TotalCount, TotalSettlementAmount, TotalRefundAmount, TotalCouponRefundAmount, TotalFee, TotalOrderAmount, TotalRefundRequestAmount}
	case TradeSuccess:
		return []string{TotalCount, TotalSettlementAmount, TotalFee, TotalOrderAmount}
	case Fund:
		return []string{FundTotalCount, IncomeCount, IncomeAmount, ExpenseCount, ExpenseAmount}
	}
	return nil
}

// detectKind names the kind a header belongs to.
func detectKind(index map[string]int) Kind {
	has := func(c string) bool { _, ok := index[c]; return ok }
	switch {
	case has(BookingTime) && has(FlowAmount):
		return Fund
	case has(TradeTime) && has(RefundApplyTime):
		return TradeRefund
	case has(TradeTime) && has(RefundID):
		return TradeAll
	case has(TradeTime):
		return TradeSuccess
	}
	for c := range index {
		if len(c) >= 6 && c[:6] == "分账" {
			return ProfitSharing
		}
	}
	return Other
}

// derivation says how a summary column follows from the detail rows.
type derivation struct {
	summary string // summary column
	source  string // amount column summed; "" for a count
	filter  string // FlowType value the rows must have; "" for all rows
}

// derivations are the summary columns the reader knows how to check.
var derivations = []derivation{
	{summary: TotalCount},
	{summary: TotalSettlementAmount, source: SettlementAmount},
	{summary: TotalRefundAmount, source: RefundAmount},
	{summary: TotalCouponRefundAmount, source: CouponRefundAmount},
	{summary: TotalFee, source: Fee},
	{summary: TotalOrderAmount, source: OrderAmount},
	{summary: TotalRefundRequestAmount, source: RefundRequestAmount},
	{summary: FundTotalCount},
	{summary: IncomeCount, filter: FlowIncome},
	{summary: IncomeAmount, source: FlowAmount, filter: FlowIncome},
	{summary: ExpenseCount, filter: FlowExpense},
	{summary: ExpenseAmount, source: FlowAmount, filter: FlowExpense},
}
