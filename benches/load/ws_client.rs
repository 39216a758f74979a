//! Opening a ChatCloud WebSocket as a client.

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/api/v1/ws` for `token` and waits for `connection.ready`.
pub async fn connect(
    ws_base: &str,
    api_key: &str,
    token: &str,
    config: Option<WebSocketConfig>,
) -> anyhow::Result<Socket> {
    let url = format!("{ws_base}/api/v1/ws?token={token}&apiKey={api_key}");
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, config, true).await?;
    while let Some(frame) = socket.next().await {
        if let Message::Text(text) = frame? {
            if text.contains("\"connection.ready\"") {
                return Ok(socket);
            }
        }
    }
    anyhow::bail!("the socket closed before connection.ready")
}
