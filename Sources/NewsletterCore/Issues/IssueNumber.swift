/// Issue numbers and their folder names: issue 7 lives in `issues/007/`.
public enum IssueNumber {
    /// Zero-padded to three digits; wider numbers keep all their digits.
    public static func folderName(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The number of an issue folder, or `nil` for any other name (such as `inbox`).
    public static func parse(folderName name: String) -> Int? {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(name), number > 0 else {
            return nil
        }
        return number
    }
}

/// File names ordered as an editor reads them: `2-…` before `10-…`.
public enum FileOrder {
    public static func areInOrder(_ lhs: String, _ rhs: String) -> Bool {
        let (leftNumber, leftRest) = split(lhs)
        let (rightNumber, rightRest) = split(rhs)
        if leftNumber != rightNumber { return (leftNumber ?? Int.max) < (rightNumber ?? Int.max) }
        return leftRest < rightRest
    }

    /// The leading number of a name such as `03-budapest.md`, and the rest.
    public static func split(_ name: String) -> (number: Int?, rest: String) {
        let digits = name.prefix(while: { $0.isASCII && $0.isNumber })
        return (Int(digits), String(name.dropFirst(digits.count)))
    }
}
