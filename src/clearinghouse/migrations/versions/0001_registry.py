"""registry

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:00:38.015831
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_party_id', sa.String(length=40), nullable=True),
    sa.Column('actor_key_id', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_party_id'), ['actor_party_id'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('name_zh', sa.String(length=300), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('contact_public', sa.Boolean(), nullable=False),
    sa.Column('isni', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties'))
    )
    op.create_table('work_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('parent_code', sa.String(length=40), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('length_unit', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['work_types.code'], name=op.f('fk_work_types_parent_code_work_types')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_work_types'))
    )
    op.create_table('mandates',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('agent_id', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.String(length=40), nullable=False),
    sa.Column('rights', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['parties.id'], name=op.f('fk_mandates_agent_id_parties')),
    sa.ForeignKeyConstraint(['owner_id'], ['parties.id'], name=op.f('fk_mandates_owner_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandates'))
    )
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandates_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_owner_id'), ['owner_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('party_id', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('created_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_users_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_party_id'), ['party_id'], unique=False)

    op.create_table('works',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('type_code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('alt_titles', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=True),
    sa.Column('length', sa.BigInteger(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('publication_date', sa.Date(), nullable=True),
    sa.Column('moral_rights', sa.String(length=30), nullable=False),
    sa.Column('registrant_id', sa.String(length=40), nullable=False),
    sa.Column('file_key', sa.String(length=300), nullable=True),
    sa.Column('file_name', sa.String(length=300), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registrant_id'], ['parties.id'], name=op.f('fk_works_registrant_id_parties')),
    sa.ForeignKeyConstraint(['type_code'], ['work_types.code'], name=op.f('fk_works_type_code_work_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_works'))
    )
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_works_registrant_id'), ['registrant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_works_type_code'), ['type_code'], unique=False)

    op.create_table('api_keys',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('party_id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lookup', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_api_keys_party_id_parties')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('lookup', name=op.f('uq_api_keys_lookup'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_party_id'), ['party_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('work_id', sa.String(length=40), nullable=False),
    sa.Column('right', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('holding_ids', sa.JSON(), nullable=False),
    sa.Column('party_ids', sa.JSON(), nullable=False),
    sa.Column('territories', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('total_share_ppm', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('detected_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_conflicts_work_id_works')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_conflicts_work_fingerprint', ['work_id', 'fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_work_id'), ['work_id'], unique=False)

    op.create_table('holdings',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('work_id', sa.String(length=40), nullable=False),
    sa.Column('holder_id', sa.String(length=40), nullable=False),
    sa.Column('rights', sa.JSON(), nullable=False),
    sa.Column('share_ppm', sa.Integer(), nullable=False),
    sa.Column('territories', sa.JSON(), nullable=False),
    sa.Column('territories_excluded', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('administrator_id', sa.String(length=40), nullable=True),
    sa.Column('collective', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('warranty_text', sa.Text(), nullable=False),
    sa.Column('warranted_by', sa.String(length=40), nullable=False),
    sa.Column('warranted_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', clearinghouse.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['administrator_id'], ['parties.id'], name=op.f('fk_holdings_administrator_id_parties')),
    sa.ForeignKeyConstraint(['holder_id'], ['parties.id'], name=op.f('fk_holdings_holder_id_parties')),
    sa.ForeignKeyConstraint(['warranted_by'], ['parties.id'], name=op.f('fk_holdings_warranted_by_parties')),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_holdings_work_id_works')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holdings'))
    )
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holdings_administrator_id'), ['administrator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holdings_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holdings_work_id'), ['work_id'], unique=False)

    op.create_table('work_creators',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('work_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('party_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_work_creators_party_id_parties')),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_creators_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_creators'))
    )
    with op.batch_alter_table('work_creators', schema=None) as batch_op:
        batch_op.create_index('ix_work_creators_name', ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_creators_work_id'), ['work_id'], unique=False)

    op.create_table('work_identifiers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('work_id', sa.String(length=40), nullable=False),
    sa.Column('scheme', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_identifiers_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_identifiers')),
    sa.UniqueConstraint('scheme', 'value', name='uq_work_identifiers_scheme_value')
    )
    with op.batch_alter_table('work_identifiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_identifiers_work_id'), ['work_id'], unique=False)

    op.create_table('work_relations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('from_work_id', sa.String(length=40), nullable=False),
    sa.Column('to_work_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['from_work_id'], ['works.id'], name=op.f('fk_work_relations_from_work_id_works'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_work_id'], ['works.id'], name=op.f('fk_work_relations_to_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_relations')),
    sa.UniqueConstraint('from_work_id', 'to_work_id', 'kind', name='uq_work_relations_triple')
    )
    with op.batch_alter_table('work_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_relations_from_work_id'), ['from_work_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_relations_to_work_id'), ['to_work_id'], unique=False)

    op.create_table('work_tags',
    sa.Column('work_id', sa.String(length=40), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_tags_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('work_id', 'tag', name=op.f('pk_work_tags'))
    )
    with op.batch_alter_table('work_tags', schema=None) as batch_op:
        batch_op.create_index('ix_work_tags_tag', ['tag'], unique=False)



    _seed_work_types()
    _protect_audit_log()


WORK_TYPES = [
    # code, parent, category, English, Chinese, length unit
    ("musical_composition", None, "composition", "Musical composition", "音乐作品（词曲）", "seconds"),
    ("sound_recording", None, "recording", "Sound recording", "录音制品", "seconds"),
    ("audiovisual_work", None, "audiovisual", "Audiovisual work", "视听作品", "seconds"),
    ("short_video", "audiovisual_work", "audiovisual", "Short video", "短视频", "seconds"),
    ("film_clip", "audiovisual_work", "audiovisual", "Film clip", "电影片段", "seconds"),
    ("photograph", None, "image", "Photograph", "摄影作品", "pixels"),
    ("literary_work", None, "text", "Literary work", "文字作品", "words"),
    ("graphic_work", None, "image", "Graphic work", "美术作品", "pixels"),
    ("software", None, "software", "Software", "计算机软件", "bytes"),
]


def _seed_work_types() -> None:
    table = sa.table(
        "work_types",
        sa.column("code", sa.String), sa.column("parent_code", sa.String),
        sa.column("category", sa.String), sa.column("name_en", sa.String),
        sa.column("name_zh", sa.String), sa.column("length_unit", sa.String),
    )
    keys = ("code", "parent_code", "category", "name_en", "name_zh", "length_unit")
    op.bulk_insert(table, [dict(zip(keys, row, strict=True)) for row in WORK_TYPES])


def _protect_audit_log() -> None:
    """The audit log is append-only at the database level, whatever code runs above it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def downgrade() -> None:
    with op.batch_alter_table('work_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_work_tags_tag')

    op.drop_table('work_tags')
    with op.batch_alter_table('work_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_relations_to_work_id'))
        batch_op.drop_index(batch_op.f('ix_work_relations_from_work_id'))

    op.drop_table('work_relations')
    with op.batch_alter_table('work_identifiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_identifiers_work_id'))

    op.drop_table('work_identifiers')
    with op.batch_alter_table('work_creators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_creators_work_id'))
        batch_op.drop_index('ix_work_creators_name')

    op.drop_table('work_creators')
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holdings_work_id'))
        batch_op.drop_index(batch_op.f('ix_holdings_holder_id'))
        batch_op.drop_index(batch_op.f('ix_holdings_administrator_id'))

    op.drop_table('holdings')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_work_id'))
        batch_op.drop_index('ix_conflicts_work_fingerprint')

    op.drop_table('conflicts')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_party_id'))

    op.drop_table('api_keys')
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_works_type_code'))
        batch_op.drop_index(batch_op.f('ix_works_registrant_id'))

    op.drop_table('works')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_party_id'))

    op.drop_table('users')
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandates_owner_id'))
        batch_op.drop_index(batch_op.f('ix_mandates_agent_id'))

    op.drop_table('mandates')
    op.drop_table('work_types')
    op.drop_table('parties')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_party_id'))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events')
        op.execute('DROP FUNCTION IF EXISTS audit_events_append_only()')
    op.drop_table('audit_events')
