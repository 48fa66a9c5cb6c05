using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MailboxesAndLargePayloads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "payload_sha256",
                table: "inbound_deliveries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_id",
                table: "attachments",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "mailbox_checkpoints",
                columns: table => new
                {
                    channel_id = table.Column<long>(type: "bigint", nullable: false),
                    folder = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    uid_validity = table.Column<long>(type: "bigint", nullable: false),
                    last_uid = table.Column<long>(type: "bigint", nullable: false)
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mailbox_checkpoints");

            migrationBuilder.DropColumn(
                name: "payload_sha256",
                table: "inbound_deliveries");

            migrationBuilder.DropColumn(
                name: "content_id",
                table: "attachments");
        }
    }
}
