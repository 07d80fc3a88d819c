import Foundation
import NewsletterCore
import NewsletterTestSupport

enum ConfigFixture {
    static func sending() throws -> SendingSettings {
        try ConfigLoader.parse(TemporaryWorkspace.config).sending
    }
}
