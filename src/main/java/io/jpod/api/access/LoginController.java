package io.jpod.api.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's login on TCP: the access token, from the URL {@code config/jpod-up.sh} prints or
 * typed into the form, is exchanged for a session cookie (a new session, so one planted earlier is
 * worth nothing). Through the Unix socket no login is needed.
 */
@RestController
class LoginController {

    private static final String FORM = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>jpod: log in</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="/ui/favicon.svg"></head>
            <body style="font-family: sans-serif; max-width: 34rem; margin: 3rem auto">
            <h1>jpod</h1>
            %s
            <form method="post" action="/login">
              <label for="token">Access token</label>
              <input id="token" name="token" type="password" autocomplete="off" required size="40">
              <button type="submit">Log in</button>
            </form>
            <p>The token is in the daemon's token file (<code>jpod.api.token-file</code>, by default
            <code>/etc/jpod/access-token</code>, readable by root); <code>config/jpod-up.sh</code> prints a
            URL that logs in directly.</p>
            </body></html>
            """;

    private final AccessToken token;

    LoginController(AccessToken token) {
        this.token = token;
    }

    @GetMapping("/login")
    ResponseEntity<String> loginPage(@RequestParam(required = false) String token, HttpServletRequest request) {
        return token == null ? page(HttpStatus.OK, "") : login(token, request);
    }

    @PostMapping(path = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<String> login(@RequestParam String token, HttpServletRequest request) {
        if (!this.token.matches(token)) {
            return page(HttpStatus.UNAUTHORIZED, "<p role=\"alert\">That is not the access token.</p>");
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        request.getSession(true).setAttribute(AccessFilter.LOGGED_IN, Boolean.TRUE);
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header("Location", "/").build();
    }

    @RequestMapping(path = "/logout", method = {org.springframework.web.bind.annotation.RequestMethod.GET,
        org.springframework.web.bind.annotation.RequestMethod.POST})
    ResponseEntity<String> logout(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header("Location", "/login").build();
    }

    private static ResponseEntity<String> page(HttpStatus status, String notice) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML).header("Cache-Control", "no-store")
                .body(FORM.formatted(notice));
    }
}
