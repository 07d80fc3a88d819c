import Foundation

/// The compiled shapes of one send, shared by the renderers of all its connections: each shape
/// is rendered and validated once per send rather than once per connection, and the first one
/// can be compiled ahead, while the audience is being frozen. A renderer that needs a shape
/// another is compiling waits for it (it would only compile the same one); shapes compiled
/// already are handed out meanwhile.
final class ShapeCache: @unchecked Sendable {
    // `@unchecked`: `shapes` and `compiling` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var shapes: [String: CompiledShape] = [:]
    private var compiling: Set<String> = []

    /// The shape under `key`, compiled by `compile` if no renderer has compiled it yet. A failed
    /// compile is not kept: the next renderer to need the shape meets the same error.
    func shape(for key: String, compile: () throws -> CompiledShape) throws -> CompiledShape {
        condition.lock()
        while true {
            if let shape = shapes[key] {
                condition.unlock()
                return shape
            }
            if !compiling.contains(key) { break }
            condition.wait()
        }
        compiling.insert(key)
        condition.unlock()
        let compiled = Result { try compile() }
        condition.lock()
        compiling.remove(key)
        if case .success(let shape) = compiled { shapes[key] = shape }
        condition.broadcast()
        condition.unlock()
        return try compiled.get()
    }
}
