public import CLibXML2

/// Small typed helpers over libxml2's C API.
public enum LibXML2 {
    /// Runs libxml2's one-time set-up once, before threads use the library. The catalog is set
    /// up here too: libxml2 2.9 initialises it lazily without a lock, and two threads validating
    /// at once can then deadlock on the catalog's mutex.
    public static func initialize() { _ = initialized }
    private static let initialized: Void = {
        xmlInitParser()
        xmlInitializeCatalog()
    }()

    public static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    public static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { cnl_xml_free(value) }
        return String(cString: value)
    }

    public static func setAttribute(_ name: String, _ value: String, on node: xmlNodePtr) {
        xmlSetProp(node, name, value)
    }

    /// The names of an element's attributes, in order.
    public static func attributeNames(of node: xmlNodePtr) -> [String] {
        var names: [String] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            names.append(current.pointee.name.map { String(cString: $0) } ?? "")
            attribute = current.pointee.next
        }
        return names
    }

    public static func removeAttribute(_ name: String, from node: xmlNodePtr) {
        if let attribute = xmlHasProp(node, name) { xmlRemoveProp(attribute) }
    }

    public static func children(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            result.append(current)
            child = current.pointee.next
        }
        return result
    }
}
