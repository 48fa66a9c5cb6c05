using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EveryMessageHasAChannel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Messages recorded through the API before they had a channel get the workspace's API channel
            // (the one HistoryChannels makes on demand since). The same message recorded twice back then
            // stays twice, kept whole; the later copies only lose the provider id the unique index forbids.
            migrationBuilder.Sql("""
                INSERT INTO channels (workspace_id, kind, name, connected_at)
                SELECT (SELECT min(id) FROM workspaces), 'api', 'Recorded through the API', (SELECT min(recorded_at) FROM messages WHERE channel_id IS NULL)
                WHERE EXISTS (SELECT 1 FROM messages WHERE channel_id IS NULL) AND EXISTS (SELECT 1 FROM workspaces)
                  AND NOT EXISTS (SELECT 1 FROM channels WHERE kind = 'api');
                UPDATE messages SET provider_message_id = NULL
                WHERE channel_id IS NULL AND provider_message_id IS NOT NULL
                  AND id > (SELECT min(m.id) FROM messages m WHERE m.channel_id IS NULL AND m.provider_message_id = messages.provider_message_id);
                UPDATE messages SET channel_id = (SELECT min(id) FROM channels WHERE kind = 'api') WHERE channel_id IS NULL;
                """);

            migrationBuilder.DropIndex(
                name: "ix_channels_workspace_id",
                table: "channels");

            migrationBuilder.AlterColumn<long>(
                name: "channel_id",
                table: "messages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "is_backfill",
                table: "messages",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "backfill_up_to",
                table: "mailbox_checkpoints",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "is_backfill",
                table: "inbound_deliveries",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ix_channels_workspace_id_kind_name",
                table: "channels",
                columns: new[] { "workspace_id", "kind", "name" },
                unique: true,
                filter: "kind IN ('api', 'import')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_channels_workspace_id_kind_name",
                table: "channels");

            migrationBuilder.DropColumn(
                name: "is_backfill",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "backfill_up_to",
                table: "mailbox_checkpoints");

            migrationBuilder.DropColumn(
                name: "is_backfill",
                table: "inbound_deliveries");

            migrationBuilder.AlterColumn<long>(
                name: "channel_id",
                table: "messages",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.CreateIndex(
                name: "ix_channels_workspace_id",
                table: "channels",
                column: "workspace_id");
        }
    }
}
