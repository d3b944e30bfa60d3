package io.jpod.registry;

/**
 * Credentials for one registry: a user name and password, or an identity token (an OAuth2 refresh
 * token, as {@code docker login} may keep). Never printed: {@link #toString} hides the secrets.
 */
public record Credentials(String username, String password, String identityToken) {

    public static final Credentials NONE = new Credentials("", "", "");

    public Credentials {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, "");
    }

    public boolean isEmpty() {
        return username.isEmpty() && password.isEmpty() && identityToken.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "Credentials[none]" : "Credentials[username=" + username + ", secret hidden]";
    }
}
