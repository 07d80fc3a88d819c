internal import CLibXML2
import XMLSupport

/// Inline styles for the elements of an item's text in the email. Many mail clients ignore or
/// strip `<style>` blocks, so every element carries its own `style` attribute; the email
/// template styles its own layout the same way.
enum EmailStyles {
    static let font = "font-family:Georgia,'Times New Roman',serif;"
    static let sans = "font-family:Helvetica,Arial,sans-serif;"

    static let byElement: [String: String] = [
        "p": "margin:0 0 16px 0;\(font)font-size:16px;line-height:1.55;color:#1f2933;",
        "a": "color:#0b5cad;text-decoration:underline;",
        "h3": "margin:24px 0 8px 0;\(sans)font-size:18px;line-height:1.3;color:#102a43;",
        "h4": "margin:20px 0 8px 0;\(sans)font-size:16px;line-height:1.3;color:#102a43;",
        "h5": "margin:16px 0 8px 0;\(sans)font-size:15px;line-height:1.3;color:#102a43;",
        "h6": "margin:16px 0 8px 0;\(sans)font-size:14px;line-height:1.3;color:#334e68;",
        "ul": "margin:0 0 16px 0;padding:0 0 0 24px;\(font)font-size:16px;line-height:1.55;color:#1f2933;",
        "ol": "margin:0 0 16px 0;padding:0 0 0 24px;\(font)font-size:16px;line-height:1.55;color:#1f2933;",
        "li": "margin:0 0 6px 0;",
        "blockquote":
            "margin:0 0 16px 0;padding:4px 0 4px 16px;border-left:4px solid #bcccdc;color:#334e68;font-style:italic;",
        "pre":
            "margin:0 0 16px 0;padding:12px;background-color:#f0f4f8;font-family:Menlo,Consolas,monospace;font-size:13px;white-space:pre-wrap;",
        "code": "font-family:Menlo,Consolas,monospace;font-size:14px;",
        "table": "border-collapse:collapse;margin:0 0 16px 0;width:100%;\(sans)font-size:14px;",
        "th": "border:1px solid #d9e2ec;padding:6px 8px;text-align:left;background-color:#f0f4f8;color:#102a43;",
        "td": "border:1px solid #d9e2ec;padding:6px 8px;color:#1f2933;",
        "img": "display:block;max-width:100%;height:auto;border:0;",
        "hr": "border:0;border-top:1px solid #d9e2ec;margin:24px 0;",
        "del": "color:#829ab1;",
        "s": "color:#829ab1;",
    ]

    /// Sets the inline style of every element under `parent` that has one.
    static func apply(under parent: xmlNodePtr) {
        for node in LibXML2.children(of: parent) where node.pointee.type == XML_ELEMENT_NODE {
            let name = LibXML2.name(of: node)
            if let style = byElement[name] { LibXML2.setAttribute("style", style, on: node) }
            if name == "img" { LibXML2.setAttribute("border", "0", on: node) }
            apply(under: node)
        }
    }
}

extension HTMLFragment {
    /// Adds the email's inline styles; returns `self` for chaining.
    @discardableResult
    func styledForEmail() -> HTMLFragment {
        if let container { EmailStyles.apply(under: container) }
        return self
    }
}
