public import CCurl

/// One libcurl easy handle, the one type every transfer of the project goes through (SMTP,
/// feeds, link checks): libcurl set up once per process, the handle and its error buffer freed
/// together, typed options in place of the variadic `curl_easy_setopt`, and libcurl's own words
/// for a failure. Not `Sendable`: a handle belongs to one thread at a time, as libcurl requires.
public final class CurlEasy {
    /// For the options that take a C callback, set with the `cnl_curl_set_*` helpers of CCurl.
    public let handle: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    /// Sets libcurl up once per process, before any thread uses it (`curl_global_init` is not
    /// thread-safe).
    public static func initializeLibrary() { _ = initialized }
    private static let initialized: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// `nil` only when memory runs out.
    public init?() {
        Self.initializeLibrary()
        guard let handle = curl_easy_init() else {
            errorBuffer.deallocate()
            return nil
        }
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // No signals: the handle may run on any thread, and a timeout must not raise SIGALRM.
        set(CURLOPT_NOSIGNAL, 1)
        cnl_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    public func set(_ option: CURLoption, _ value: Int) {
        cnl_curl_set_long(handle, option, value)
    }

    /// libcurl copies the string; `nil` restores the option's default.
    public func set(_ option: CURLoption, _ value: String?) {
        cnl_curl_set_string(handle, option, value)
    }

    public func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        cnl_curl_set_pointer(handle, option, pointer)
    }

    /// The list must outlive the transfers that use it.
    public func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) {
        cnl_curl_set_slist(handle, option, list)
    }

    public func set(_ option: CURLoption, size: Int64) {
        cnl_curl_set_offset(handle, option, curl_off_t(size))
    }

    /// Runs the transfer, blocking the calling thread (never call it on Swift's cooperative pool).
    public func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(handle)
    }

    /// The last response's code: HTTP status, or the SMTP reply's.
    public var responseCode: Int {
        var code = 0
        cnl_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Where the transfer ended, after redirects.
    public var effectiveURL: String? {
        var url: UnsafeMutablePointer<CChar>?
        cnl_curl_get_string(handle, CURLINFO_EFFECTIVE_URL, &url)
        return url.map { String(cString: $0) }
    }

    /// Bytes sent of the upload.
    public var uploadedBytes: Int64 {
        var uploaded: curl_off_t = 0
        cnl_curl_get_offset(handle, CURLINFO_SIZE_UPLOAD_T, &uploaded)
        return Int64(uploaded)
    }

    /// libcurl's words for a failure: its detailed message when it wrote one, else the code's.
    public func detail(_ status: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : Self.describe(status)
    }

    /// The code's general meaning.
    public static func describe(_ status: CURLcode) -> String {
        String(cString: curl_easy_strerror(status))
    }
}
