package io.jpod.registry;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import javax.net.ssl.SSLEngine;

/**
 * TLS that accepts any certificate: only for registries the user marked insecure (registries.conf
 * {@code insecure = true}, {@code --tls-verify=false}), never a default.
 */
final class TrustAll {

    private static volatile SSLContext context;

    private TrustAll() {}

    static SSLContext context() {
        SSLContext c = context;
        if (c == null) {
            try {
                c = SSLContext.getInstance("TLS");
                // an X509ExtendedTrustManager, so the JDK does not add its host name check on top
                c.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                }}, null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            context = c;
        }
        return c;
    }
}
