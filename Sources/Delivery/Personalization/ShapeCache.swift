import Foundation

/// The compiled shapes of one send, shared by the renderers of all its connections: each shape
/// is rendered and validated once per send rather than once per connection, and the first one
/// can be compiled ahead, while the audience is being frozen. A renderer that finds a shape
/// being compiled waits for it: it would only compile the same one.
final class ShapeCache: @unchecked Sendable {
    // `@unchecked`: `shapes` is only touched while `lock` is held.
    private let lock = NSLock()
    private var shapes: [String: CompiledShape] = [:]

    /// The shape under `key`, compiled by `compile` if no renderer has compiled it yet. A failed
    /// compile is not kept: the next renderer to need the shape meets the same error.
    func shape(for key: String, compile: () throws -> CompiledShape) throws -> CompiledShape {
        lock.lock()
        defer { lock.unlock() }
        if let shape = shapes[key] { return shape }
        let shape = try compile()
        shapes[key] = shape
        return shape
    }
}
