package dev.capstan.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts a request body as it is read and stops at {@link BodyLimit}'s limit with {@link TooLarge}, which every service
 * answers with 413 problem+json ({@link FallbackProblemMappers}). An {@link IOException}, so that JSON readers pass it
 * on as it is instead of wrapping it into a complaint about the field being read.
 */
@Provider
public class BodyLimitInterceptor implements ReaderInterceptor {

    @Inject
    BodyLimit limit;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new Limited(context.getInputStream(), limit.limit(), limit.detail()));
        return context.proceed();
    }

    /** The body went past the limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private final String detail;
        private long read;

        Limited(InputStream in, long limit, String detail) {
            super(in);
            this.limit = limit;
            this.detail = detail;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > limit) {
                throw new TooLarge(detail);
            }
        }
    }
}
