using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadFinish : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_calendar_versions_workspace_id_version",
                table: "calendar_versions");

            migrationBuilder.AddColumn<long>(
                name: "member_id",
                table: "calendar_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "scope",
                table: "calendar_versions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "ix_calendar_versions_member_id",
                table: "calendar_versions",
                column: "member_id");

            migrationBuilder.CreateIndex(
                name: "ix_calendar_versions_workspace_id_scope_version",
                table: "calendar_versions",
                columns: new[] { "workspace_id", "scope", "version" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_calendar_versions_members_member_id",
                table: "calendar_versions",
                column: "member_id",
                principalTable: "members",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_calendar_versions_members_member_id",
                table: "calendar_versions");

            migrationBuilder.DropIndex(
                name: "ix_calendar_versions_member_id",
                table: "calendar_versions");

            migrationBuilder.DropIndex(
                name: "ix_calendar_versions_workspace_id_scope_version",
                table: "calendar_versions");

            migrationBuilder.DropColumn(
                name: "member_id",
                table: "calendar_versions");

            migrationBuilder.DropColumn(
                name: "scope",
                table: "calendar_versions");

            migrationBuilder.CreateIndex(
                name: "ix_calendar_versions_workspace_id_version",
                table: "calendar_versions",
                columns: new[] { "workspace_id", "version" },
                unique: true);
        }
    }
}
