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
package v2xml
