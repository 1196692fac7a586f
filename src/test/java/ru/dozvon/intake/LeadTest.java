package ru.dozvon.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import ru.dozvon.errors.InvalidInput;

/** The lead's own rules, without a database: one spelling per email address, one fingerprint per request. */
class LeadTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "клиент@пример.рф, клиент@xn--e1afmkfd.xn--p1ai",
      "Клиент@Пример.РФ, клиент@xn--e1afmkfd.xn--p1ai",
      "клиент@xn--e1afmkfd.xn--p1ai, клиент@xn--e1afmkfd.xn--p1ai",
      "user@XN--E1AFMKFD.XN--P1AI, user@xn--e1afmkfd.xn--p1ai",
      "user@пример.рф, user@xn--e1afmkfd.xn--p1ai",
      "Anna.Petrova+promo@Example.RU, anna.petrova+promo@example.ru",
      "info@почта.москва, info@xn--80a1acny.xn--80adxhks",
      "a@b.c, a@b.c"})
  void emailsHaveOneCanonicalSpelling(String given, String canonical) {
    assertThat(Lead.canonicalEmail(given)).isEqualTo(canonical);
    assertThat(Lead.canonicalEmail(canonical)).as("canonical is a fixed point").isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"no-at-sign", "a@b", "a b@c.ru", "a@@c.ru", "a@пример", "a@пример..рф", "a@-пример.рф",
      "a@exa_mple.ru", "a@пример.рф.", "@пример.рф", "a@"})
  void malformedEmailsAreRefusedNamingTheField(String email) {
    assertThatThrownBy(() -> Lead.canonicalEmail(email)).isInstanceOfSatisfying(InvalidInput.class,
        e -> assertThat(e.field()).isEqualTo("email"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "phone format and key order| {'source':'web_form','phone':'+79161234567','fields':{'a':1,'b':'x'}}"
          + "| {'fields':{'b':'x','a':1},'phone':'8 (916) 123-45-67','source':'web_form'}| true",
      "email spelling| {'source':'email','email':'клиент@пример.рф'}| {'source':'email','email':'Клиент@XN--E1AFMKFD.xn--p1ai'}| true",
      "name spaces| {'source':'chat','phone':'+79161234567','name':'Анна'}| {'source':'chat','phone':'+79161234567','name':' Анна '}| true",
      "another source| {'source':'chat','phone':'+79161234567'}| {'source':'messenger','phone':'+79161234567'}| false",
      "another name| {'source':'chat','phone':'+79161234567','name':'Анна'}| {'source':'chat','phone':'+79161234567','name':'Аня'}| false",
      "a field value| {'source':'chat','phone':'+79161234567','fields':{'a':1}}| {'source':'chat','phone':'+79161234567','fields':{'a':2}}| false",
      "a field type| {'source':'chat','phone':'+79161234567','fields':{'a':1}}| {'source':'chat','phone':'+79161234567','fields':{'a':'1'}}| false",
      "a null field| {'source':'chat','phone':'+79161234567','fields':{}}| {'source':'chat','phone':'+79161234567','fields':{'a':null}}| false",
      "email added| {'source':'chat','phone':'+79161234567'}| {'source':'chat','phone':'+79161234567','email':'a@b.ru'}| false"})
  void theFingerprintIsTheParsedLead(String what, String a, String b, boolean same) {
    String fa = Lead.parse(new JsonObject(a.replace('\'', '"')), null).fingerprint();
    String fb = Lead.parse(new JsonObject(b.replace('\'', '"')), null).fingerprint();
    assertThat(fa).matches("[0-9a-f]{64}");
    assertThat(fa.equals(fb)).as(what).isEqualTo(same);
  }
}
