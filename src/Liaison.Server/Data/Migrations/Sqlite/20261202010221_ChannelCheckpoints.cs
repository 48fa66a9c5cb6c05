using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChannelCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "channel_checkpoints",
                columns: table => new
                {
                    channel_id = table.Column<long>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_checkpoints", x => new { x.channel_id, x.key });
                    table.ForeignKey(
                        name: "fk_channel_checkpoints_channels_channel_id",
                        column: x => x.channel_id,
                        principalTable: "channels",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The mailbox checkpoints become the e-mail channel's checkpoints, one per folder, in the
            // form Liaison.Channels.Email.MailboxCheckpoints reads: a sync resumes where it stopped.
            migrationBuilder.Sql(
                "INSERT INTO channel_checkpoints (channel_id, key, value) " +
                "SELECT channel_id, 'folder:' || folder, CAST(uid_validity AS TEXT) || ';' || CAST(last_uid AS TEXT) || ';' || " +
                "COALESCE(CAST(highest_mod_seq AS TEXT), '') || ';' || CAST(backfill_up_to AS TEXT) FROM mailbox_checkpoints;");

            migrationBuilder.DropTable(
                name: "mailbox_checkpoints");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "channel_checkpoints");

            migrationBuilder.CreateTable(
                name: "mailbox_checkpoints",
                columns: table => new
                {
                    channel_id = table.Column<long>(type: "INTEGER", nullable: false),
                    folder = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    backfill_up_to = table.Column<long>(type: "INTEGER", nullable: false),
                    highest_mod_seq = table.Column<long>(type: "INTEGER", nullable: true),
                    last_uid = table.Column<long>(type: "INTEGER", nullable: false),
                    uid_validity = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mailbox_checkpoints", x => new { x.channel_id, x.folder });
                    table.ForeignKey(
                        name: "fk_mailbox_checkpoints_channels_channel_id",
                        column: x => x.channel_id,
                        principalTable: "channels",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }
    }
}
