/*
 * The floor under `newsletter send` in scripts/bench-send: plain C over libcurl's SMTP, as
 * the sender uses it (one easy handle per connection, each on its own batch-scheduled thread,
 * reused across messages, one recipient per transfer), with one fixed message and nothing
 * else: no personalisation, no ledger, no journal, no rate limiter.
 *
 *   curl_send CONNECTIONS URL MESSAGES SIZE
 *
 * Sends MESSAGES messages of about SIZE bytes to URL (smtp://host:port), split over
 * CONNECTIONS threads; exits 1 at the first transfer that fails.
 */
#define _GNU_SOURCE /* SCHED_BATCH */
#include <curl/curl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *message;
static size_t message_length;
static const char *url;
static long per_connection;

struct upload {
    size_t offset;
};

static size_t read_message(char *buffer, size_t size, size_t count, void *context) {
    struct upload *upload = context;
    size_t left = message_length - upload->offset;
    size_t length = size * count < left ? size * count : left;
    memcpy(buffer, message + upload->offset, length);
    upload->offset += length;
    return length;
}

static void *connection(void *argument) {
    long first = (long)argument * per_connection;
    struct upload upload;
    /* As the sender's connection threads are to a relay on this host (SendRun.connectionScheduling). */
    struct sched_param parameter = {0};
    pthread_setschedparam(pthread_self(), SCHED_BATCH, &parameter);
    CURL *handle = curl_easy_init();
    if (!handle) exit(1);
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_MAIL_FROM, "<newsletter@example.org>");
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_length);
    for (long index = first; index < first + per_connection; index++) {
        char recipient[64];
        snprintf(recipient, sizeof recipient, "<reader%ld@example.org>", index);
        struct curl_slist *recipients = curl_slist_append(NULL, recipient);
        curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
        upload.offset = 0;
        CURLcode status = curl_easy_perform(handle);
        long code = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
        curl_slist_free_all(recipients);
        if (status != CURLE_OK || code / 100 != 2) {
            fprintf(stderr, "curl_send: message %ld: %s (reply %ld)\n", index, curl_easy_strerror(status), code);
            exit(1);
        }
    }
    curl_easy_cleanup(handle);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: curl_send CONNECTIONS URL MESSAGES SIZE\n");
        return 2;
    }
    long connections = atol(argv[1]);
    url = argv[2];
    long messages = atol(argv[3]);
    size_t size = (size_t)atol(argv[4]);
    if (connections < 1 || connections > 64 || messages < connections || size < 200) {
        fprintf(stderr, "curl_send: 1 to 64 connections, at least one message each, at least 200 bytes\n");
        return 2;
    }
    per_connection = messages / connections;

    /* Headers, then lines of 76 characters and CRLF, as quoted-printable text would be. */
    message = malloc(size + 256);
    if (!message) return 1;
    message_length = (size_t)sprintf(message,
        "From: newsletter@example.org\r\nTo: reader@example.org\r\nSubject: Benchmark\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
    while (message_length + 78 <= size) {
        memset(message + message_length, 'x', 76);
        memcpy(message + message_length + 76, "\r\n", 2);
        message_length += 78;
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_t threads[64];
    for (long index = 0; index < connections; index++)
        if (pthread_create(&threads[index], NULL, connection, (void *)index) != 0) return 1;
    for (long index = 0; index < connections; index++) pthread_join(threads[index], NULL);
    curl_global_cleanup();
    return 0;
}
