// swift-tools-version: 6.2
import PackageDescription

/// Settings every Swift target of ours shares. Swift 6 language mode gives strict concurrency
/// checking; the project keeps zero warnings, so a warning fails the build.
let swiftSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    // Imports say which module re-exports what; nothing leaks by accident.
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Newsletter",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "newsletter", targets: ["newsletter"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Hummingbird runs in a service group; the servers set how long its shutdown may take.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The servers' logger; Hummingbird takes it.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The peer's address of a request (Hummingbird's channel), for the sign-up's limits.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Header names Hummingbird does not name (X-Forwarded-For).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // System libraries, found with pkg-config; the providers tell SwiftPM which Debian
        // packages to suggest when the headers are missing (scripts/setup installs them).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CIDN2",
            pkgConfig: "libidn2",
            providers: [.apt(["libidn2-dev"])]
        ),
        .systemLibrary(
            name: "CCAres",
            pkgConfig: "libcares",
            providers: [.apt(["libc-ares-dev"])]
        ),
        .systemLibrary(
            name: "CPSL",
            pkgConfig: "libpsl",
            providers: [.apt(["libpsl-dev"])]
        ),
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),

        // libcurl's easy handle, wrapped once for every transfer: SMTP, feeds, link checks.
        .target(
            name: "CurlSupport",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),

        // The workspace and its plain files: config, news items, issues, subscriber lists.
        .target(
            name: "NewsletterCore",
            dependencies: [
                "CIDN2",
                .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedDefaultTemplates"]
        ),
        // libxml2 made easy to use from Swift: its one-time set-up, typed helpers over the tree,
        // an HTML fragment's parse, and the problems a parse reports. Shared by Compose and Feeds.
        .target(
            name: "XMLSupport",
            dependencies: ["CLibXML2"],
            swiftSettings: swiftSettings
        ),
        // Markdown → HTML fragments → Mustache templates → email XHTML, text and web page,
        // validated with libxml2.
        .target(
            name: "Compose",
            dependencies: [
                "NewsletterCore", "XMLSupport", "CLibXML2", "CCmarkGFM",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // The workspace's store, SQLite through GRDB (`.newsletter/state.sqlite`): the people
        // (subscribers, lists, consent, suppression) and the schema the sends' ledger shares.
        .target(
            name: "Store",
            dependencies: [
                "NewsletterCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API that GRDB itself links, for the work done once per row.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // The keyed hash kept of an erased address, and the consent texts' hashes.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Messages and their delivery: MIME, unsubscribe tokens, the libcurl SMTP transport,
        // the rate limiter, the delivery ledger (SQLite through GRDB) and the batch sender.
        .target(
            name: "Delivery",
            dependencies: [
                "NewsletterCore", "Compose", "Store", "CurlSupport", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API that GRDB itself links: the send loop's ledger writes use it directly.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA with PKCS #1 v1.5 for DKIM's rsa-sha256.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // News from a website's feed: RSS 2.0, RSS 1.0 and Atom, fetched with libcurl, parsed
        // with libxml2, into the inbox as news items.
        .target(
            name: "Feeds",
            dependencies: ["NewsletterCore", "Compose", "XMLSupport", "CurlSupport", "CCurl", "CLibXML2"],
            swiftSettings: swiftSettings
        ),
        // What is served over HTTP: the preview, the unsubscribe endpoints and the archive.
        .target(
            name: "Site",
            dependencies: [
                "NewsletterCore", "Compose", "Delivery", "Store", "Deliverability",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // What decides whether an issue reaches the inbox (`doctor`, and the check before a
        // send): the message itself, the sender domain's DNS (c-ares, the Public Suffix List
        // through libpsl), the relay, the links (libcurl) and SpamAssassin's view.
        .target(
            name: "Deliverability",
            dependencies: ["NewsletterCore", "Compose", "Delivery", "CCAres", "CPSL", "CurlSupport", "CCurl"],
            swiftSettings: swiftSettings
        ),
        // The thin command-line front.
        .executableTarget(
            name: "newsletter",
            dependencies: [
                "NewsletterCore", "Compose", "Delivery", "Site", "Feeds", "Store", "Deliverability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // The workspace's `templates/` folder is the one copy of the default templates:
        // this plugin embeds it in NewsletterCore so `newsletter init` can write it out.
        .executableTarget(name: "embed-templates", path: "Plugins/Tools/embed-templates"),
        .plugin(
            name: "EmbedDefaultTemplates",
            capability: .buildTool(),
            dependencies: ["embed-templates"]
        ),

        // Temporary workspaces and assertions shared by the test targets.
        .target(
            name: "NewsletterTestSupport",
            dependencies: ["NewsletterCore"],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NewsletterCoreTests",
            dependencies: ["NewsletterCore", "NewsletterTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ComposeTests",
            dependencies: ["Compose", "XMLSupport", "NewsletterCore", "NewsletterTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Delivery", "Compose", "NewsletterCore", "Store", "NewsletterTestSupport",
                // To make a ledger as an older version left it, and upgrade it.
                .product(name: "GRDB", package: "GRDB.swift"),
                // To check DKIM signatures against the keys RFC 8463 publishes.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "NewsletterCore", "NewsletterTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FeedsTests",
            dependencies: ["Feeds", "NewsletterCore", "NewsletterTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["newsletter", "Delivery", "Compose", "NewsletterCore", "NewsletterTestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
