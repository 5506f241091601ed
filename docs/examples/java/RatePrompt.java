// A window's business system asking the citizen for a rating, in plain Java 11+
// (java.net.http, no other library): sign the clerk in, open the event stream, open a
// prompt, follow the stream until the prompt's final event, read the result.
//
//   javac RatePrompt.java
//   HCP_API=http://127.0.0.1:7480 HCP_TOKEN=… java RatePrompt TX-20261129-0001
//
// JSON is written and read by hand here to keep the example free of dependencies; a real
// system would use the JSON library it already has (Jackson, Gson …).

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class RatePrompt {
    static final String API = System.getenv().getOrDefault("HCP_API", "http://127.0.0.1:7480") + "/v1";
    static final String TOKEN = System.getenv("HCP_TOKEN"); // api.token; unset when the terminal has none

    // HTTP/1.1: the terminal speaks it, and the event stream is one long answer.
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public static void main(String[] args) throws Exception {
        String transactionId = args.length > 0 ? args[0] : "TX-20261129-0001";

        // 1. The clerk at this window (上岗).
        HttpResponse<String> clerk = send("PUT", "/clerk",
                "{\"id\":\"0107\",\"name\":\"林晓\",\"department\":{\"code\":\"D-TAX\",\"name\":\"县税务局\"}}");
        expect(clerk, 200);
        System.out.println("signed in: " + field(clerk.body(), "name"));

        // 2. The event stream, opened before the prompt so that none of its events is missed.
        HttpResponse<Stream<String>> events = HTTP.send(
                request("GET", "/events", null).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        if (events.statusCode() != 200) throw new IllegalStateException("GET /v1/events answered " + events.statusCode());

        // 3. The prompt on the citizen's screen.
        HttpResponse<String> opened = send("POST", "/prompts", "{"
                + "\"transactionId\":" + quote(transactionId) + ","
                + "\"service\":{\"code\":\"350521-S-0001\",\"name\":\"个体工商户登记\"},"
                + "\"departments\":[{\"code\":\"11350521MB0000000X\",\"name\":\"县市场监管局\"}],"
                + "\"mode\":\"single\"}");
        // 201: opened. 200: the same POST again after a lost answer, the prompt on screen.
        if (opened.statusCode() != 201 && opened.statusCode() != 200) expect(opened, 201);
        String promptId = field(opened.body(), "id");
        System.out.println("opened prompt " + promptId);

        // 4. Follow the stream: "event: TYPE", then "data: JSON", then a blank line; lines
        //    beginning with ':' are comments. The prompt is over at its event with "final":true.
        try (Stream<String> lines = events.body()) {
            String type = "";
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event: ")) type = line.substring("event: ".length());
                if (!line.startsWith("data: ") || !type.equals("prompt")) continue;
                String data = line.substring("data: ".length());
                if (!promptId.equals(field(data, "id"))) continue;
                boolean last = data.contains("\"final\":true");
                System.out.println("event: prompt status=" + field(data, "status") + " final=" + last);
                if (last) break;
            }
        }

        // 5. The result. Unless the hall turns api.revealRatings on, it says that the
        //    citizen rated, not how ("ratings":[] and "ratingsHidden":true).
        HttpResponse<String> result = send("GET", "/prompts/" + promptId, null);
        expect(result, 200);
        System.out.println("result: " + result.body());
    }

    static HttpRequest.Builder request(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(API + path));
        if (TOKEN != null && !TOKEN.isEmpty()) b.header("Authorization", "Bearer " + TOKEN);
        if (json == null) return b.method(method, HttpRequest.BodyPublishers.noBody());
        return b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
    }

    static HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        return HTTP.send(request(method, path, json).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every refusal reads {"error":{"code":…,"message":…,"details":[…]}}: programs branch on code. */
    static void expect(HttpResponse<String> res, int status) {
        if (res.statusCode() == status) return;
        throw new IllegalStateException(res.request().method() + " " + res.uri().getPath() + " answered "
                + res.statusCode() + " " + field(res.body(), "code") + ": " + field(res.body(), "message"));
    }

    /** The first string or boolean field of this name in a JSON text (enough for these answers). */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|true|false)").matcher(json);
        if (!m.find()) return null;
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') s.append('\\').append(c);
            else if (c < 0x20) s.append(String.format("\\u%04x", (int) c));
            else s.append(c);
        }
        return s.append('"').toString();
    }
}
