"""The test harness: what tests and benchmarks are built from.

- asterisk: where the test Asterisk is (sandbox or PORTARIA_ARI_URL) and the folder both sides see
- live: test settings, the one builder of a live Service (`live_service`), waits for a clean
  Asterisk
- gate: the scenario gate (app + scripted STT + talking phones + an ARI event tap), `running_gate`
- phone: test phones (Local channels that play and record) and what their recordings show
- audio, speech_audio: synthetic and natural speech fixtures, cached on disk
- fakes: cloud servers speaking the real OpenAI/Azure wire formats, and the ways they stall
- cloud_stalls: time to fallback of every cloud client against a stalled server
- matching_table, nlu_table: the dialog's and the rule extractor's tables, read and scored
- api_fake, postgres, browser: the API's fake controller, a throwaway PostgreSQL, headless Chromium

Test modules and bench/ import from here; tests/conftest.py only declares fixtures.
"""
