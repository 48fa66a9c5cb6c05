using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboundPayloadsApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbound_payloads",
                columns: table => new
                {
                    delivery_id = table.Column<long>(type: "INTEGER", nullable: false),
                    bytes = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_payloads", x => x.delivery_id);
                    table.ForeignKey(
                        name: "fk_inbound_payloads_inbound_deliveries_delivery_id",
                        column: x => x.delivery_id,
                        principalTable: "inbound_deliveries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Every delivery kept in the database keeps its bytes: they move, they are not dropped.
            migrationBuilder.Sql("INSERT INTO inbound_payloads (delivery_id, bytes) SELECT id, payload FROM inbound_deliveries WHERE payload_sha256 IS NULL;");

            migrationBuilder.DropColumn(
                name: "payload",
                table: "inbound_deliveries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "payload",
                table: "inbound_deliveries",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.Sql("UPDATE inbound_deliveries SET payload = (SELECT bytes FROM inbound_payloads WHERE delivery_id = inbound_deliveries.id) WHERE payload_sha256 IS NULL;");

            migrationBuilder.DropTable(
                name: "inbound_payloads");
        }
    }
}
