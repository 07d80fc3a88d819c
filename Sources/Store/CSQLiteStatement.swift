import Foundation
internal import GRDBSQLite
package import NewsletterCore

/// A value bound to a statement's parameter.
package enum CSQLiteValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// A connection to the store through the SQLite C API, for the work done once per recipient or
/// per imported row (the send loop's `LedgerWriter`, the audience's freeze, an import), where
/// GRDB's per-statement costs show. Not `Sendable`: used by one thread at a time.
package final class CSQLiteConnection {
    package let handle: OpaquePointer
    /// Whether this object opened the connection, and so closes it.
    private let owned: Bool

    package init(path: String) throws {
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close(handle)
            throw NewsletterError("The store \(path) cannot be opened: \(message).")
        }
        self.handle = handle
        owned = true
        // As DeliveryLedger sets its own connection: WAL is already the file's mode; a
        // committed state survives a killed process; checkpoints are the Checkpointer's.
        sqlite3_busy_timeout(handle, 10_000)
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA wal_autocheckpoint = 0")
    }

    /// Statements on a connection GRDB opened, which stays GRDB's: for use inside one of its
    /// transactions, and gone (with its statements) before that ends.
    package init(borrowing handle: OpaquePointer) {
        self.handle = handle
        owned = false
    }

    deinit {
        if owned { sqlite3_close(handle) }
    }

    package func prepare(_ sql: String) throws -> CSQLiteStatement {
        try CSQLiteStatement(sql, connection: self)
    }

    package func execute(_ sql: String) throws {
        try prepare(sql).run()
    }

    package func error(_ status: Int32, doing what: String) -> NewsletterError {
        NewsletterError(
            "The store failed while \(what): \(String(cString: sqlite3_errmsg(handle))) (SQLite \(status)).",
            hint: "Run the same command again: the send continues where the ledger says it stopped.")
    }
}

/// A statement prepared once and run many times.
package final class CSQLiteStatement {
    private let handle: OpaquePointer
    private let connection: CSQLiteConnection
    private let sql: String

    /// SQLite copies a text argument at once (its destructor value -1, which C calls
    /// SQLITE_TRANSIENT): the Swift string's bytes need not outlive the call.
    private static let transient = unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)

    fileprivate init(_ sql: String, connection: CSQLiteConnection) throws {
        var handle: OpaquePointer?
        let status = sqlite3_prepare_v3(
            connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard status == SQLITE_OK, let handle else { throw connection.error(status, doing: "preparing \(sql)") }
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Runs the statement to its end.
    package func run(_ values: CSQLiteValue...) throws {
        try run(values)
    }

    package func run(_ values: [CSQLiteValue]) throws {
        try start(values)
        defer { sqlite3_reset(handle) }
        var status = sqlite3_step(handle)
        while status == SQLITE_ROW { status = sqlite3_step(handle) }
        guard status == SQLITE_DONE else { throw connection.error(status, doing: "running \(sql)") }
    }

    /// Runs the statement and reads its first row, if any, with `read`.
    package func first<T>(_ values: CSQLiteValue..., read: (Row) -> T) throws -> T? {
        try start(values)
        defer { sqlite3_reset(handle) }
        var status = sqlite3_step(handle)
        let result = status == SQLITE_ROW ? read(Row(handle: handle)) : nil
        // A RETURNING statement makes its changes at the first step; the rest finishes it.
        while status == SQLITE_ROW { status = sqlite3_step(handle) }
        guard status == SQLITE_DONE else { throw connection.error(status, doing: "running \(sql)") }
        return result
    }

    /// Runs the statement and reads every row with `read`.
    package func all<T>(_ values: CSQLiteValue..., read: (Row) -> T) throws -> [T] {
        try start(values)
        defer { sqlite3_reset(handle) }
        var rows: [T] = []
        var status = sqlite3_step(handle)
        while status == SQLITE_ROW {
            rows.append(read(Row(handle: handle)))
            status = sqlite3_step(handle)
        }
        guard status == SQLITE_DONE else { throw connection.error(status, doing: "running \(sql)") }
        return rows
    }

    private func start(_ values: [CSQLiteValue]) throws {
        precondition(Int(sqlite3_bind_parameter_count(handle)) == values.count, "wrong argument count for \(sql)")
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status =
                switch value {
                case .integer(let number): sqlite3_bind_int64(handle, index, number)
                case .real(let number): sqlite3_bind_double(handle, index, number)
                case .null: sqlite3_bind_null(handle, index)
                // With the byte count, so that a NUL inside a relay's reply does not cut it; from
                // the string's own bytes, without a copy.
                case .text(var text):
                    text.withUTF8 { bytes in
                        // An empty buffer may have no address, which SQLite would take for NULL.
                        guard let base = bytes.baseAddress else {
                            return sqlite3_bind_text(handle, index, "", 0, Self.transient)
                        }
                        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                            sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
                        }
                    }
                }
            guard status == SQLITE_OK else { throw connection.error(status, doing: "binding \(sql)") }
        }
    }

    /// The current row's columns, by position.
    package struct Row {
        fileprivate let handle: OpaquePointer

        package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
        package func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
        package func real(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
        package func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(handle, column) else { return nil }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
    }
}
