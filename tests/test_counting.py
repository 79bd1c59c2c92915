import threading


from service.counts.store import Counter, usage_rows
from service.counts.tables import create_tables, make_engine


def test_concurrent_counters_lose_no_increment(database_url):
    engine = make_engine(database_url)
    create_tables(engine)
    counters = [Counter(engine, b"key", interval=60) for _ in range(4)]

    def send(counter, n):
        for i in range(250):
            counter.record("MEDS", "en", "sms", 1, f"SM{n}-{i}")
            if i % 50 == 0:
                counter.flush()
        counter.flush()

    threads = [threading.Thread(target=send, args=(c, n)) for n, c in enumerate(counters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r["count"] for r in usage_rows(engine)] == [1000]


def test_redelivery_counted_once_across_counters(database_url):
    engine = make_engine(database_url)
    create_tables(engine)
    one, two = Counter(engine, b"key"), Counter(engine, b"key")
    one.record("MEDS", "en", "sms", 1, "SMsame")
    one.record("MEDS", "en", "sms", 1, "SMsame")
    one.flush()
    two.record("MEDS", "en", "sms", 1, "SMsame")
    two.flush()
    assert [r["count"] for r in usage_rows(engine)] == [1]


def test_failed_flush_keeps_its_counts(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'later.db'}")
    counter = Counter(engine, b"key", interval=3600)
    counter.record("MEDS", "en", "sms", 2, "SM1")
    assert counter.flush() == 0  # no tables yet: the write fails
    assert counter.pending == 1 and counter.failures == 1
    create_tables(engine)
    assert counter.flush() == 1
    assert usage_rows(engine)[0]["count"] == 1


def test_bounded_buffer_counts_what_it_drops(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    create_tables(engine)
    counter = Counter(engine, b"key", interval=3600, max_pending=3)
    for n in range(5):
        counter.record("MEDS", "en", "sms", 1, f"SM{n}")
    assert counter.pending == 3 and counter.dropped == 2
