package ru.dozvon.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;

/**
 * People who sign in, for tests (and the page helpers' browser tests): a manager created with a login and a password
 * through the real API, a sign-in through {@code POST /login}, and requests carrying the session cookie (and, on
 * state-changing methods, the {@code X-CSRF-Token}).
 */
public final class People {

  private People() {
  }

  /** A signed-in browser: the session cookie's value, the CSRF token, and who it is (POST /login's answer). */
  public record Session(String cookie, String csrfToken, JsonObject me) {
    public String cookieHeader() {
      return "dozvon_session=" + cookie;
    }
  }

  /** Creates a manager (role operator or supervisor) with a login and password, as the admin; the API's answer. */
  public static JsonObject create(TestApp t, String name, String extension, String role, String login,
                                  String password) {
    var r = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", name).put("extension", extension).put("maxActiveDeals", 10).put("role", role)
        .put("login", login).put("password", password)));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("create manager: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** {@code POST /login} with JSON; the raw answer. */
  public static HttpResponse<Buffer> login(TestApp t, String login, String password) {
    return TestApp.await(t.http.post("/login").sendJsonObject(new JsonObject().put("login", login)
        .put("password", password)));
  }

  /** Signs in, failing the test unless it works. */
  public static Session signIn(TestApp t, String login, String password) {
    var r = login(t, login, password);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("sign-in of " + login + ": " + r.statusCode() + " " + r.bodyAsString());
    }
    return new Session(cookieValue(r), r.bodyAsJsonObject().getString("csrfToken"), r.bodyAsJsonObject());
  }

  /** The admin, signed in with {@link TestApp#ADMIN_PASSWORD}. */
  public static Session admin(TestApp t) {
    return signIn(t, "admin", TestApp.ADMIN_PASSWORD);
  }

  /** The value of the dozvon_session cookie an answer set, or null. */
  public static String cookieValue(HttpResponse<Buffer> r) {
    for (String c : r.cookies()) {
      if (c.startsWith("dozvon_session=")) {
        return c.substring("dozvon_session=".length(), c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
      }
    }
    return null;
  }

  /** The whole Set-Cookie header of the session cookie, or null. */
  public static String setCookie(HttpResponse<Buffer> r) {
    return r.cookies().stream().filter(c -> c.startsWith("dozvon_session=")).findFirst().orElse(null);
  }

  public static HttpRequest<Buffer> get(TestApp t, String path, Session s) {
    return t.http.get(path).putHeader("Cookie", s.cookieHeader());
  }

  /** A state-changing request with the cookie and the CSRF token. */
  public static HttpRequest<Buffer> post(TestApp t, String path, Session s) {
    return t.http.post(path).putHeader("Cookie", s.cookieHeader()).putHeader("X-CSRF-Token", s.csrfToken());
  }

  public static HttpRequest<Buffer> patch(TestApp t, String path, Session s) {
    return t.http.patch(path).putHeader("Cookie", s.cookieHeader()).putHeader("X-CSRF-Token", s.csrfToken());
  }
}
