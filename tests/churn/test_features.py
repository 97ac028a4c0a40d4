from churn.features import FEATURES, build_preprocessor


def test_preprocessor_drops_id_and_label_and_encodes_categories(frame):
    matrix = build_preprocessor().fit(frame[FEATURES]).get_feature_names_out()
    names = list(matrix)
    assert "customer_id" not in names
    assert "churned" not in names
    assert "contract_two-year" in names
    assert "tenure_months" in names


def test_unseen_category_does_not_fail_serving(frame):
    preprocessor = build_preprocessor().fit(frame[FEATURES])
    unseen = frame[FEATURES].head(1).assign(region="antarctica")
    row = preprocessor.transform(unseen)
    names = list(preprocessor.get_feature_names_out())
    region_columns = [i for i, n in enumerate(names) if n.startswith("region_")]
    assert row[0, region_columns].sum() == 0
