/// DKIM's "relaxed" canonicalization (RFC 6376, sections 3.4.2 and 3.4.4), on the bytes of a
/// message as it goes to the relay: what a receiver hashes too, whatever the relays between
/// did to whitespace and folding.
package enum DKIMCanonicalization {
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// A header field (`Name: value`, folded or not, without its final CRLF) as `name:value`:
    /// the name in lower case, the folds undone, every run of whitespace one space, none at the
    /// end of the value and none around the colon.
    static func header(_ field: ArraySlice<UInt8>) -> [UInt8] {
        guard let colon = field.firstIndex(of: 0x3A) else { return Array(field) }
        var output: [UInt8] = []
        output.reserveCapacity(field.count)
        for byte in field[..<colon] where !isWhitespace(byte) {
            output.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
        }
        output.append(0x3A)
        var pendingSpace = false
        var started = false
        for byte in field[field.index(after: colon)...] {
            if byte == cr || byte == lf { continue }
            if isWhitespace(byte) {
                pendingSpace = started
                continue
            }
            if pendingSpace { output.append(space) }
            pendingSpace = false
            started = true
            output.append(byte)
        }
        return output
    }

    /// The body: in each line every run of whitespace one space and none at the end, the empty
    /// lines at the end left out, and a CRLF after every line; an empty body stays empty. One
    /// pass over the bytes: the empty lines are only counted until a line with text follows.
    static func body(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count)
        var emptyLinesHeld = 0
        var lineHasText = false
        var pendingSpace = false
        var index = body.startIndex
        let end = body.endIndex
        while index < end {
            let byte = body[index]
            if byte == cr, index + 1 < end, body[index + 1] == lf {
                if lineHasText { output.append(contentsOf: [cr, lf]) } else { emptyLinesHeld += 1 }
                lineHasText = false
                pendingSpace = false
                index += 2
                continue
            }
            if isWhitespace(byte) {
                pendingSpace = true
            } else {
                if !lineHasText {
                    for _ in 0..<emptyLinesHeld { output.append(contentsOf: [cr, lf]) }
                    emptyLinesHeld = 0
                    lineHasText = true
                }
                if pendingSpace { output.append(space) }
                pendingSpace = false
                output.append(byte)
            }
            index += 1
        }
        // A last line without its CRLF counts as a line.
        if lineHasText { output.append(contentsOf: [cr, lf]) }
        return output
    }

    /// The message's header fields, each as written (folds kept, final CRLF left out), and
    /// its body, after the empty line.
    package static func split(_ message: [UInt8]) -> (fields: [ArraySlice<UInt8>], body: ArraySlice<UInt8>) {
        var fields: [ArraySlice<UInt8>] = []
        var start = message.startIndex
        var index = message.startIndex
        while index + 1 < message.endIndex {
            guard message[index] == cr, message[index + 1] == lf else {
                index += 1
                continue
            }
            let next = index + 2
            if index == start {
                // The empty line: the body follows.
                return (fields, message[next...])
            }
            // A line that starts with whitespace continues the field before it.
            if next < message.endIndex, isWhitespace(message[next]) {
                index = next
                continue
            }
            fields.append(message[start..<index])
            start = next
            index = next
        }
        if start < message.endIndex { fields.append(message[start...]) }
        return (fields, message[message.endIndex...])
    }

    /// A field's name, in lower case.
    package static func name(of field: ArraySlice<UInt8>) -> String {
        let colon = field.firstIndex(of: 0x3A) ?? field.endIndex
        return String(decoding: field[..<colon], as: UTF8.self).trimmingBlanks().lowercased()
    }
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
