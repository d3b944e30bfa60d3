package io.jpod.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * The one bound on request bodies that handlers take whole ({@code @RequestBody}: JSON
 * configurations, Kubernetes YAML): above {@code jpod.api.max-body-size} (8 MiB unless set) the
 * request is refused with a 413 before the handler runs, by its Content-Length when it sends one,
 * else as soon as the body read passes the bound. Streamed bodies (build contexts, image archives,
 * file copies) are read by their handlers and are not bounded here.
 */
@ControllerAdvice
class BodyLimit extends RequestBodyAdviceAdapter {

    private final long max;

    BodyLimit(@Value("${jpod.api.max-body-size:8388608}") long max) {
        this.max = max;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        long length = message.getHeaders().getContentLength();
        if (length > max) {
            drain(message.getBody());
            throw tooLarge();
        }
        InputStream bounded = new Bounded(message.getBody());
        HttpHeaders headers = message.getHeaders();
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return bounded;
            }

            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        };
    }

    /**
     * Reads and drops what the client still sends, up to {@link #DRAIN}: a client that is still
     * writing when the connection closes under it sees a reset, not the 413. Past that, the
     * connection is closed all the same.
     */
    private static void drain(InputStream in) {
        try {
            byte[] buf = new byte[65536];
            long left = DRAIN;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // gone already: nothing to drain
        }
    }

    private static final long DRAIN = 64L * 1024 * 1024;

    private TooLarge tooLarge() {
        return new TooLarge("the request body is larger than " + max + " bytes");
    }

    /** Answered 413 by {@link BindingErrors}. */
    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /** Counts what is read and stops the read past the bound. */
    private final class Bounded extends FilterInputStream {

        private long read;

        Bounded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > max) {
                drain(in);
                throw tooLarge();
            }
        }
    }
}
