// Package bill reads WeChat Pay bills (trade bills ALL, SUCCESS and REFUND,
// fund bills, profit-sharing bills, and the APIv2 downloadbill answer, which
// has the trade bills' columns) as a stream of records, and checks the
// bill's summary against its rows. It uses the standard library only.
//
//	rd := bill.NewReader(r, bill.TradeAll) // or bill.Detect
//	for rd.Next() {
//		rec := rd.Record()
//		id := rec.String(bill.TransactionID)
//		fee, err := rec.Amount(bill.Fee)         // exact: -0.34306 is {-34306, 5}
//		at, err := rec.Time(bill.TradeTime)      // Beijing time (UTC+8)
//		note, _ := rec.Get("a column added later") // every column is readable
//	}
//	if err := rd.Err(); err != nil { … } // the bill is NOT good: discard what you read
//	sum := rd.Summary() // Checked, Unchecked
//
// # Unverified until the end
//
// Records are handed out as they are read, before the end of the file is
// seen. Until Next has returned false and Err returned nil, every record
// came from a file not yet verified: its summary is not checked yet and,
// when reading straight from a download ([github.com/chainpay-go/wechatpay/chain.Client.OpenBill]), neither is
// its hash. A truncated or corrupt download can yield plausible records and
// only fail at the end. Import all or nothing: stage the records (a
// database transaction, a temporary table, a slice), and commit only when
// Err is nil; see the Example.
//
// # The format (WeChat Pay's published rules)
//
//   - A bill has four parts: the detail header row, the detail rows, the
//     summary header row and the summary row. Every value of a detail or
//     summary row starts with a backtick (`); the two header rows carry none
//     (this is how the reader finds the summary). The file may start with a
//     UTF-8 byte-order mark. Lines end with \n or \r\n.
//   - The columns depend on the bill type, and older merchants get other
//     summaries, so the reader goes by the header's names, never by
//     position. [Columns] and [SummaryColumns] list the documented ones:
//     trade ALL has 27 columns; SUCCESS drops the eight refund columns
//     (微信退款单号 … 退款状态) and 申请退款金额; REFUND adds 退款申请时间 and
//     退款成功时间 after 代金券金额. The trade summary of ALL and REFUND is
//     总交易单数, 应结订单总金额, 退款总金额, 充值券退款总金额, 手续费总金额, 订单总金额,
//     申请退款总金额; of SUCCESS, 总交易单数, 应结订单总金额, 手续费总金额, 订单总金额.
//     The fund bill has 记账时间 … 业务凭证号 (11 columns) and the summary
//     资金流水总笔数, 收入笔数, 收入金额, 支出笔数, 支出金额. Profit-sharing bills
//     are of the same family (backticks, two parts); issue 20 lists no
//     columns for them, so none is required and their summary is reported
//     unchecked.
//   - In 备注 and 业务凭证号 (fund bills) line breaks are escaped as the text
//     \r and \n; [Record.Get] removes them, [Record.Raw] keeps them.
//   - Money columns are yuan with two decimals, except 手续费, which has five
//     (0.00600; negative on refunds, -0.34306); 费率 is a percentage (0.60%).
//     Times are Beijing time (UTC+8), "2006-01-02 15:04:05".
//
// # What is checked
//
// The header must hold the columns of the bill's kind (an error matching
// [ErrMissingColumn] names the missing ones); unknown columns are kept.
// Every row must have as many values as the header ([ErrFieldCount]), be
// valid UTF-8 ([ErrInvalidUTF8]) and at most [MaxLineLength] bytes
// ([ErrLineTooLong]); a quoted value must be closed on its line and
// followed by a comma or the line's end ([ErrQuote]; quotes inside an
// unquoted value are kept as written). The amount columns the summary is
// computed from must be decimal numbers ([ErrNotNumber]). Each such error is
// an [*Error] with the line number.
//
// At the end the summary is compared with the rows: the record count with
// 总交易单数 (资金流水总笔数), and each summed column with its total (fund
// bills: per 收支类型). A difference is an [*Error] matching
// [ErrSummaryMismatch] naming the column and both values. A summary column
// the reader cannot derive from the rows is listed in Summary.Unchecked,
// never passed silently. A file that ends without a summary is an error
// matching [ErrNoSummary]: a truncated bill never passes as complete. The
// underlying reader's own final error (for a download stream: the hash
// check, [github.com/chainpay-go/wechatpay/chain.ErrHashMismatch]) is returned by Err too, never swallowed.
//
// Memory is bounded (one line buffer, at most [MaxLineLength]); a record
// costs one allocation, the string holding its values.
package bill
