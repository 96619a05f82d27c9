package dev.sigil.webhook;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Deliveries to a real local receiver: signatures, retries, order per user, redeliver, restarts, giving up. */
class WebhookDeliveryTest {
    WebhookFixture fixture;
    String env;
    SdkClient sdk;

    @BeforeEach
    void start() {
        fixture = new WebhookFixture();
        env = fixture.server.createEnvironment();
        sdk = new SdkClient(fixture.server, env);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aSignInIsDeliveredSignedWithTheEventIdAndPayloadShape() {
        try (Receiver receiver = Receiver.healthy()) {
            JsonNode hook = fixture.register(env, receiver.url(), "user.created", "session.created");
            String secret = hook.get("secret").asString();
            String userId = sdk.signIn(TestWallet.random()).get("user").get("id").asString();

            List<Receiver.Request> got = receiver.await(r -> r.size() >= 2);
            assertThat(got).extracting(Receiver.Request::type).containsExactly("user.created", "session.created");
            for (Receiver.Request r : got) {
                assertThat(r.signedWith(secret)).as(r.signature()).isTrue();
                assertThat(r.signedWith("whsec_wrong")).isFalse();
                assertThat(r.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
                assertThat(r.contentType()).startsWith("application/json");
                JsonNode json = r.json();
                assertThat(json.get("environmentId").asString()).isEqualTo(env);
                assertThat(json.get("createdAt").asString()).isNotBlank();
                assertThat(json.get("data").get("userId").asString()).isEqualTo(userId);
                assertThat(json.properties()).extracting(java.util.Map.Entry::getKey)
                        .containsExactly("id", "type", "environmentId", "createdAt", "data");
            }
            String t = got.getFirst().signature().split(",")[0].substring(2);
            assertThat(Long.parseLong(t)).isEqualTo(fixture.server.clock.instant().getEpochSecond());

            List<JsonNode> log = fixture.awaitDeliveries(env, hook.get("id").asString(),
                    d -> d.size() == 2 && d.stream().allMatch(x -> x.get("status").asString().equals("delivered")));
            // Both deliveries were created in the same millisecond of the test clock: their order is the id's.
            assertThat(log).extracting(d -> d.get("eventType").asString()).containsExactlyInAnyOrder("session.created", "user.created");
            assertThat(log).allMatch(d -> d.get("attempts").asInt() == 1
                    && d.get("lastAttempt").get("statusCode").asInt() == 204);
            assertThat(got).extracting(Receiver.Request::deliveryId)
                    .containsExactlyInAnyOrder(log.get(0).get("id").asString(), log.get(1).get("id").asString());
        }
    }

    @Test
    void aReceiverThatFailsThreeTimesThenRecoversGetsItWithFourAttemptsLogged() {
        try (Receiver receiver = Receiver.failingFirst(3)) {
            JsonNode hook = fixture.register(env, receiver.url(), "user.created");
            String hookId = hook.get("id").asString();
            sdk.signIn(TestWallet.random());

            List<Receiver.Request> got = receiver.await(r -> !r.isEmpty() && r.getLast().answered() == 204,
                    () -> fixture.advanceToNextRetry(env, hookId, receiver));
            assertThat(got).hasSize(4);
            assertThat(got).extracting(Receiver.Request::answered).containsExactly(500, 500, 500, 204);
            assertThat(got).extracting(Receiver.Request::eventId).containsOnly(got.getFirst().eventId());
            assertThat(got).allMatch(r -> r.signedWith(hook.get("secret").asString()));

            JsonNode delivery = fixture.awaitDeliveries(env, hookId,
                    d -> d.size() == 1 && d.getFirst().get("status").asString().equals("delivered")).getFirst();
            assertThat(delivery.get("attempts").asInt()).isEqualTo(4);
            assertThat(delivery.get("attemptLog")).hasSize(4);
            List<Integer> codes = new ArrayList<>();
            delivery.get("attemptLog").forEach(a -> codes.add(a.get("statusCode").asInt()));
            assertThat(codes).containsExactly(500, 500, 500, 204);
            assertThat(delivery.toString()).doesNotContain("receiver says no");
        }
    }

    @Test
    void aUsersLaterEventsWaitForAnEarlierFailingOne() {
        try (Receiver receiver = Receiver.failingFirst(2)) {
            String hookId = fixture.register(env, receiver.url(), "user.created", "session.created").get("id").asString();
            TestWallet wallet = TestWallet.random();
            sdk.signIn(wallet);
            sdk.signIn(wallet);

            List<Receiver.Request> got = receiver.await(r -> r.stream().filter(x -> x.answered() == 204).count() == 3,
                    () -> fixture.advanceToNextRetry(env, hookId, receiver));
            // Every request, failed ones included, is for the earliest event not yet delivered.
            List<String> eventOrder = new ArrayList<>();
            for (Receiver.Request r : got) {
                if (eventOrder.isEmpty() || !eventOrder.getLast().equals(r.eventId())) {
                    assertThat(eventOrder).as("event %s came back after a later one", r.eventId()).doesNotContain(r.eventId());
                    eventOrder.add(r.eventId());
                }
            }
            assertThat(got).extracting(Receiver.Request::answered).containsExactly(500, 500, 204, 204, 204);
            assertThat(receiver.delivered()).extracting(Receiver.Request::type)
                    .containsExactly("user.created", "session.created", "session.created");
        }
    }

    @Test
    void redeliverSendsTheSameEventAgainAndIsAudited() {
        try (Receiver receiver = Receiver.healthy()) {
            String hookId = fixture.register(env, receiver.url(), "user.created").get("id").asString();
            sdk.signIn(TestWallet.random());
            Receiver.Request first = receiver.await(r -> r.size() == 1).getFirst();
            JsonNode delivery = fixture.awaitDeliveries(env, hookId,
                    d -> d.size() == 1 && d.getFirst().get("status").asString().equals("delivered")).getFirst();

            Http.Response redeliver = fixture.admin("POST", env,
                    "/webhooks/" + hookId + "/deliveries/" + delivery.get("id").asString() + "/redeliver", null);
            assertThat(redeliver.status()).as(redeliver.toString()).isEqualTo(202);

            Receiver.Request second = receiver.await(r -> r.size() == 2).getLast();
            assertThat(second.eventId()).isEqualTo(first.eventId());
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(second.deliveryId()).isEqualTo(first.deliveryId());
            fixture.awaitDeliveries(env, hookId, d -> d.getFirst().get("attempts").asInt() == 2
                    && d.getFirst().get("status").asString().equals("delivered"));
            assertThat(fixture.admin("GET", env, "/audit", null).body()).contains("webhook.redeliver");
        }
    }

    @Test
    void aPendingDeliverySurvivesARestart() {
        try (Receiver receiver = Receiver.healthy()) {
            receiver.failing = true;
            String hookId = fixture.register(env, receiver.url(), "user.created").get("id").asString();
            sdk.signIn(TestWallet.random());
            receiver.await(r -> r.size() == 1);
            fixture.awaitDeliveries(env, hookId, d -> d.size() == 1 && d.getFirst().get("attempts").asInt() == 1);

            fixture.server.restart();
            receiver.failing = false;
            receiver.await(r -> !r.isEmpty() && r.getLast().answered() == 204,
                    () -> fixture.advanceToNextRetry(env, hookId, receiver));
            fixture.awaitDeliveries(env, hookId, d -> d.getFirst().get("status").asString().equals("delivered"));
        }
    }

    @Test
    void anEventCommittedBeforeARestartIsDeliveredAfterIt() {
        try (Receiver receiver = Receiver.healthy()) {
            String hookId = fixture.register(env, receiver.url(), "user.created").get("id").asString();
            // Stop the worker first, so the event is still only a row when the process goes away.
            fixture.server.app().services().webhookWorker.close();
            String userId = sdk.signIn(TestWallet.random()).get("user").get("id").asString();
            assertThat(receiver.requests()).isEmpty();

            fixture.server.restart();
            Receiver.Request got = receiver.await(r -> r.size() == 1).getFirst();
            assertThat(got.json().get("data").get("userId").asString()).isEqualTo(userId);
            fixture.awaitDeliveries(env, hookId, d -> d.size() == 1 && d.getFirst().get("status").asString().equals("delivered"));
        }
    }

    @Test
    void afterTwentyFourHoursOfFailuresADeliveryIsFailedAndTheUsersNextEventGoesThrough() {
        try (Receiver receiver = Receiver.healthy()) {
            receiver.failing = true;
            String hookId = fixture.register(env, receiver.url(), "user.created", "session.created").get("id").asString();
            TestWallet wallet = TestWallet.random();
            sdk.signIn(wallet);
            receiver.await(r -> r.size() == 1);
            fixture.awaitDeliveries(env, hookId, d -> d.stream().anyMatch(x -> x.get("attempts").asInt() == 1));

            fixture.server.clock.advance(Duration.ofHours(24).plusMinutes(1));
            List<JsonNode> log = fixture.awaitDeliveries(env, hookId,
                    d -> d.stream().anyMatch(x -> x.get("status").asString().equals("failed")));
            JsonNode failed = log.stream().filter(x -> x.get("eventType").asString().equals("user.created")).findFirst().orElseThrow();
            assertThat(failed.get("status").asString()).isEqualTo("failed");
            assertThat(failed.get("attempts").asInt()).isEqualTo(2);
            assertThat(failed.get("nextAttemptAt").isNull()).isTrue();

            // The failed head no longer holds the user's session.created back (it is itself past its window: one try).
            fixture.awaitDeliveries(env, hookId, d -> d.stream().allMatch(x -> x.get("status").asString().equals("failed")));
            receiver.failing = false;
            sdk.signIn(wallet);
            List<Receiver.Request> got = receiver.await(r -> !r.isEmpty() && r.getLast().answered() == 204);
            assertThat(got.getLast().type()).isEqualTo("session.created");
        }
    }

    @Test
    void theDeliveryLogIsPagedNewestFirst() {
        try (Receiver receiver = Receiver.healthy()) {
            String hookId = fixture.register(env, receiver.url(), "user.created").get("id").asString();
            List<String> users = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                users.add(sdk.signIn(TestWallet.random()).get("user").get("id").asString());
                int count = i;
                receiver.await(r -> r.size() == count);
                fixture.server.clock.advance(Duration.ofSeconds(1));
            }
            String path = "/webhooks/" + hookId + "/deliveries?limit=2";
            JsonNode first = fixture.admin("GET", env, path, null).json();
            assertThat(first.get("deliveries")).hasSize(2);
            JsonNode second = fixture.admin("GET", env, path + "&cursor=" + first.get("nextCursor").asString(), null).json();
            assertThat(second.get("deliveries")).hasSize(1);
            assertThat(second.get("nextCursor").isNull()).isTrue();
            List<String> order = new ArrayList<>();
            first.get("deliveries").forEach(d -> order.add(d.get("userId").asString()));
            second.get("deliveries").forEach(d -> order.add(d.get("userId").asString()));
            assertThat(order).containsExactly(users.get(2), users.get(1), users.get(0));
        }
    }

    @Test
    void aBacklogOfManyBatchesIsDeliveredWithoutWaitingForTheNextPoll() {
        // The worker polls once an hour here: everything must go out in the rounds that follow its first poll.
        // (It used to take one batch of 20 events per poll, so sign-ins faster than 20/s grew the backlog forever.)
        int signIns = DeliveryWorker.FAN_OUT_BATCH + 30;
        try (WebhookFixture slow = new WebhookFixture(UnaryOperator.identity(), Duration.ofHours(1));
             Receiver receiver = Receiver.healthy()) {
            String environment = slow.server.createEnvironment();
            slow.server.liftRateLimits(environment); // 130 sign-ins from one address
            SdkClient client = new SdkClient(slow.server, environment);
            slow.register(environment, receiver.url(), "user.created", "session.created");
            slow.server.app().services().webhookWorker.close();
            for (int i = 0; i < signIns; i++) {
                client.signIn(TestWallet.random());
            }

            slow.server.restart();

            List<Receiver.Request> got = receiver.await(r -> r.size() >= 2 * signIns);
            assertThat(got).hasSize(2 * signIns);
            assertThat(got).extracting(Receiver.Request::eventId).doesNotHaveDuplicates();
        }
    }

    @Test
    void twoNodesOnOneDatabaseDeliverEachEventOnce() {
        try (Receiver receiver = Receiver.healthy(); dev.sigil.App second = fixture.server.startSecondNode()) {
            String hookId = fixture.register(env, receiver.url(), "user.created", "session.created").get("id").asString();
            for (int i = 0; i < 6; i++) {
                sdk.signIn(TestWallet.random());
            }
            fixture.awaitDeliveries(env, hookId,
                    d -> d.size() == 12 && d.stream().allMatch(x -> x.get("status").asString().equals("delivered")));
            List<Receiver.Request> got = receiver.requests();
            assertThat(got).hasSize(12);
            assertThat(got).extracting(Receiver.Request::eventId).doesNotHaveDuplicates();
            assertThat(second.services().webhookWorker).isNotNull();
        }
    }
}
