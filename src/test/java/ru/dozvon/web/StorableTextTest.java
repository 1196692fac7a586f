package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import ru.dozvon.errors.InvalidInput;

/** Which text PostgreSQL keeps unchanged, and how a refusal names where it was. */
class StorableTextTest {

  /** Strings as JSON text (escapes decoded by the JSON parser, as a request body is). */
  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "Анна", "\\uD83D\\uDE00", "a\\uD83D\\uDE00b", "\\u0001\\u001f", "\\uFFFD",
      "\\uFFFF", "tab\\tnewline\\n", "\\uDBFF\\uDFFF"})
  void validTextPasses(String json) {
    String s = decode(json);
    assertThat(StorableText.problem(s)).isNull();
    assertThat(StorableText.visible(s)).isEqualTo(s);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "\\u0000| NUL character (\\u0000) at position 0",
      "ab\\u0000| NUL character (\\u0000) at position 2",
      "\\uD800| unpaired surrogate (\\uD800) at position 0",
      "x\\uDC00| unpaired surrogate (\\uDC00) at position 1",
      "\\uDE00\\uD83D| unpaired surrogate (\\uDE00) at position 0",
      "\\uD83D\\uDE00\\uD83D| unpaired surrogate (\\uD83D) at position 2",
      "\\uD800\\uD800\\uDC00| unpaired surrogate (\\uD800) at position 0"})
  void nulAndUnpairedSurrogatesAreNamedWithTheirPosition(String json, String problem) {
    assertThat(StorableText.problem(decode(json))).endsWith(problem);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{'name':'\\u0000'}| name",
      "{'fields':{'comment':'a\\uD800'}}| fields.comment",
      "{'fields':{'a\\u0000b':1}}| fields.a\\u0000b",
      "{'x\\uDFFF':1}| x\\uDFFF",
      "{'tags':['ok','\\u0000']}| tags[1]",
      "{'a':{'b':[{'c':'\\u0000'}]}}| a.b[0].c",
      "{'a':[[1,'\\uD800']]}| a[0][1]",
      "{'ok':'\\uD83D\\uDE00','bad':'\\u0000'}| bad",
      "{'fields':{'budget':1e400}}| fields.budget",
      "{'n':[-1e999]}| n[0]"})
  void aRefusalNamesTheJsonPath(String json, String field) {
    Object doc = new JsonObject(json.replace('\'', '"'));
    assertThatThrownBy(() -> StorableText.check(doc)).isInstanceOfSatisfying(InvalidInput.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  @ParameterizedTest
  @ValueSource(strings = {"['\\u0000']", "'\\uD800'"})
  void aBareDocumentIsNamedBody(String json) {
    Object doc = json.startsWith("[") ? new JsonArray(json.replace('\'', '"')) : decode(json.substring(1, json.length() - 1));
    assertThatThrownBy(() -> StorableText.check(doc)).isInstanceOfSatisfying(InvalidInput.class,
        e -> assertThat(e.field()).startsWith("body"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{'a':1,'b':true,'c':null,'d':1.5,'e':[],'f':{'g':'Ж\\uD83D\\uDE00'}}"})
  void documentsOfValidTextPass(String json) {
    assertThatCode(() -> StorableText.check(new JsonObject(json.replace('\'', '"')))).doesNotThrowAnyException();
  }

  private static String decode(String json) {
    return new JsonArray("[\"" + json + "\"]").getString(0);
  }
}
