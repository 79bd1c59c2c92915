import json


def test_text_prints_reply_with_encoding_and_segments(runner):
    result = runner.invoke(args=["text", "MEDS 2", "--from", "+15551234567"])
    assert result.exit_code == 0, result.output
    assert "Reply MEDS 3 for more" in result.output
    assert "GSM-7" in result.output and "3 segments" in result.output


def test_text_on_whatsapp(runner):
    result = runner.invoke(args=["text", "MEDS", "--from", "+15551234567", "--channel", "whatsapp"])
    assert result.exit_code == 0 and "WhatsApp" in result.output


def test_stats_formats(app, runner, twilio):
    twilio.post("MEDS")
    twilio.post("THERAPY")
    app.extensions["textline"].counts.flush()
    rows = json.loads(runner.invoke(args=["stats", "--format", "json"]).stdout)
    assert sorted((r["topic"], r["locale"], r["channel"], r["count"]) for r in rows) == [
        ("MEDS", "en", "sms", 1),
        ("THERAPY", "en", "sms", 1),
    ]
    assert set(rows[0]) == {"day", "topic", "locale", "channel", "count"}
    csv = runner.invoke(args=["stats", "--format", "csv", "--topic", "MEDS"]).stdout
    assert csv.splitlines()[0] == "day,topic,locale,channel,count" and len(csv.splitlines()) == 2
    table = runner.invoke(args=["stats"]).stdout
    assert "THERAPY" in table and "total" in table


def test_content_report_prints_fill_rate(runner):
    result = runner.invoke(args=["content", "report"])
    assert result.exit_code == 0
    assert "MEDS" in result.output and "English SMS pages carry text" in result.output


def test_db_commands_name_their_database_and_refuse_sqlite_beside_a_production_token(make_app):
    app = make_app(database_url="")  # TWILIO_AUTH_TOKEN is set, DATABASE_URL is not
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["stats"]):
        refused = runner.invoke(args=args)
        assert refused.exit_code != 0 and "DATABASE_URL is not" in refused.output, refused.output
        assert "database: sqlite:///" in refused.output  # said on stderr (the runner mixes the streams)
        assert runner.invoke(args=[*args, "--sqlite"]).exit_code == 0
