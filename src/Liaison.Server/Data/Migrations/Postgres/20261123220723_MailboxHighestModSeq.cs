using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MailboxHighestModSeq : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "highest_mod_seq",
                table: "mailbox_checkpoints",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "highest_mod_seq",
                table: "mailbox_checkpoints");
        }
    }
}
