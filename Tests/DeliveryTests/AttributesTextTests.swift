import Testing

@testable import Delivery

@Suite struct AttributesTextTests {
    @Test(arguments: [
        [:], ["city": "Riga"], ["city": "Sevilla", "zip": "41001", "note": "café, {\"quoted\"} = ok"],
        ["": "empty name", "empty value": ""],
    ])
    func attributesReadBackAsWritten(_ attributes: [String: String]) {
        let text = AttributesText.encode(attributes)
        #expect(!text.hasPrefix("{"), "pairs, not JSON")
        #expect(AttributesText.decode(text) == attributes)
    }

    @Test func aSeparatorInANameOrValueIsKeptAsJSON() {
        for attributes in [["a\u{1E}b": "x"], ["a": "x\u{1F}y"]] {
            let text = AttributesText.encode(attributes)
            #expect(text.hasPrefix("{"))
            #expect(AttributesText.decode(text) == attributes)
        }
    }

    @Test func aLedgerFromBeforeTheFormatIsReadAsJSON() {
        #expect(AttributesText.decode(#"{"city":"Riga","zip":"LV-1050"}"#) == ["city": "Riga", "zip": "LV-1050"])
    }
}
