// Package v2xml reads and writes the XML bodies of WeChat Pay APIv2: requests,
// answers and callbacks of the form
//
//	<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee>…</xml>
//
// one root element holding one element per field, each holding text. Refund
// callbacks carry the same shape encrypted in req_info, with the root
// <root>; Decode accepts any root name.
//
// # Why here
//
// chain (request bodies and answers), notify (callbacks), wechatpaytest (the
// simulator) and cmd/wxpay (the CLI) must read and write these bodies the
// same way, and the signature check depends on reading exactly what was
// signed; one codec serves them all. signer stays XML-free (it signs a
// map[string]string), so the codec is not there. It is internal so that its
// API can still change while the chain integration settles: library users
// meet APIv2 XML through chain and notify, never through this package.
//
// # Writing
//
// Encode writes the fields sorted by name. A value of digits only is written
// as is (total_fee, as WeChat Pay's own examples do); any other value goes in
// CDATA, where markup needs no escaping; a "]]>" inside a value is split
// across two CDATA sections so that it can never close the section early. A
// value holding a carriage return is written as escaped text instead
// (&#xD;), because XML parsers turn a literal CR into LF even in CDATA and the
// receiver would then verify another string than the one signed. Field names
// must be ASCII XML names and values valid XML text (UTF-8, no control
// characters but tab, LF and CR); anything else is refused with an error
// naming the field, so a body that cannot be read back exactly is never sent.
//
// # Reading
//
// Decode is built for hostile input and refuses rather than guesses:
//
//   - at most MaxSize bytes and MaxDepth levels of nesting (ErrTooLarge,
//     ErrTooDeep);
//   - no DTD (<!DOCTYPE …>, hence no entity declarations), no processing
//     instruction other than the XML declaration at the very start, no entity
//     references but XML's five predefined ones and character references, no
//     encoding other than UTF-8 (ErrUnsafe);
//   - exactly one root element; no attributes or namespace prefixes on it or
//     on the fields; field names ASCII XML names ([A-Za-z_][A-Za-z0-9_.-]*);
//     no text beside the fields (ErrMalformed);
//   - no field twice (ErrDuplicateKey, naming the field): a signed answer with
//     two result_code elements could otherwise be read one way and verified
//     the other.
//
// Every Decode error matches ErrMalformed. A field whose content holds
// elements (hblist in the red packet query) keeps its inner XML, exactly as
// sent, as its string value. Line ends inside values read as LF, as XML
// prescribes.
//
// ToJSON turns the fields into the equivalent JSON object, every value kept as
// a JSON string, for reading with gjson paths.
//
// # The protocol around the bodies (notes for the chain integration)
//
//   - Requests: POST https://api.mch.weixin.qq.com/{path} with the XML body;
//     the paths have no v2/ prefix on the wire (pay/micropay,
//     secapi/pay/refund, mmpaymkttransfers/promotion/transfers). Every call
//     carries nonce_str (at most 32 characters) and sign (signer.SignV2);
//     most carry the merchant id and the app id, under names that vary by
//     product (mch_id or mchid, appid or mch_appid: the catalogue has them
//     per operation), and sign_type where the operation has it. Operations
//     marked x-api-cert-required need the merchant API certificate as TLS
//     client certificate (apiclient_cert.pem with apiclient_key.pem, or
//     apiclient_cert.p12 whose password is the merchant id).
//   - Answers: the same shape. return_code FAIL is a communication error,
//     explained in return_msg. With return_code SUCCESS, result_code FAIL is
//     a business error, given in err_code and err_code_des. An answer that
//     carries sign must verify with the request's algorithm (signer.VerifyV2);
//     some answers carry none (red packets, transfers, bill downloads), and
//     which ones is decided by the operation, never by the answer.
//
// # Retrying micropay and the other payment-making calls
//
// WeChat Pay's APIv2 advice, which the chain integration follows: an answer
// that leaves the outcome open is resolved by a query, never by sending the
// payment again.
//
//   - pay/micropay with result_code FAIL and err_code USERPAYING: the user is
//     confirming on the phone (entering a password). Wait (about 5 s), then
//     query pay/orderquery with the same out_trade_no, and repeat for a
//     bounded time (about 30 s in all); trade_state SUCCESS ends it; if it
//     never does, cancel with secapi/pay/reverse (not sooner than 15 s after
//     the payment call, the catalogue's note on reverse says; an answer with
//     recall Y asks for reverse to be called again). These figures are from
//     WeChat Pay's micropay guide: check the operation's page when coding the
//     loop.
//   - pay/micropay with err_code SYSTEMERROR or BANKERROR, a return_code
//     FAIL, a 5xx, or no answer at all (a timeout after the request may have
//     reached WeChat Pay): the payment may or may not have happened. Query
//     pay/orderquery; decide from trade_state (SUCCESS, USERPAYING: keep
//     querying, NOTPAY/PAYERROR: reverse). Re-sending micropay would reuse a
//     single-use auth_code, and is not what WeChat Pay asks for.
//   - The client therefore never re-sends these calls by itself: a v2 answer
//     with one of these codes becomes the APIError (Code = err_code) and the
//     caller runs the query; a connection error is returned as it is.
//     Retrying is safe for the queries themselves (orderquery, refundquery,
//     gethbinfo, gettransferinfo).
//   - Other payment-making products name the rule on their pages: transfers
//     (promotion/transfers) may be retried with the same partner_trade_no
//     and the same parameters, red packets are looked up with gethbinfo by
//     mch_billno; the number the merchant chose is what makes a repeat safe.
package v2xml
