"""Names of the slots the custom actions set (declared in domain.yml;
tests/test_domain_contract.py checks that the domain agrees)."""

TOPIC = "topic"
MASSAGE_TYPE = "massage_type"
HEALTH_CONDITION = "health_condition"
CITED_SOURCES = "cited_sources"
RED_FLAG_TIER = "red_flag_tier"
RED_FLAG_CHECK = "red_flag_check"
FEEDBACK = "feedback"
FEEDBACK_TOPIC = "feedback_topic"
SCOPE_REASON = "scope_reason"
SUGGESTED_TOPICS = "suggested_topics"
