//! The `chatcloud` command line: `serve`, and `resource create | list | show | rotate-keys`.

use std::convert::Infallible;
use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::auth::jwt::JwtKeys;
use crate::config::{Config, DatabaseConfig};
use crate::domain::error::Error;
use crate::domain::id::UserId;
use crate::domain::resource::{Resource, ResourceId, TokenIssuance};
use crate::domain::time::now_ms;
use crate::http::routes::users::ChatToken;
use crate::http::state::{self as app, AppState};
use crate::store::Store;
use crate::tenants::{self, CreateResource, ProvisionedResource};

#[derive(Parser)]
#[command(
    name = "chatcloud",
    version,
    about = "ChatCloud: the hosted chat API server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log lines as text (colour only at a terminal) or as JSON objects, one a line.
    #[arg(
        long,
        global = true,
        env = "CHATCLOUD_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    log_format: LogFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server.
    Serve(Config),
    /// Manage resources (the sites that use ChatCloud).
    Resource {
        #[command(subcommand)]
        command: ResourceCommand,
    },
    /// Print a chat token for a user of a resource (a staff member's, to sign in to the agent
    /// console; a demo user's), as `POST /users/chat-token` answers it.
    Token {
        #[arg(value_parser = resource_name)]
        resource_id: ResourceId,
        user_id: String,
        /// The server's token key, when it is configured rather than kept in the database.
        #[arg(long, env = "CHATCLOUD_JWT_SECRET", hide_env_values = true)]
        jwt_secret: Option<String>,
        #[command(flatten)]
        database: DatabaseConfig,
    },
}

#[derive(Subcommand)]
enum ResourceCommand {
    /// Create a resource and print its JSON, API key and secret included (shown this once).
    Create {
        /// The site's id, e.g. site.com.
        resource_id: String,
        /// Let the API key alone create plain users and issue their tokens.
        #[arg(long)]
        open: bool,
        /// A browser origin allowed to call the API (repeatable; `*` for any).
        #[arg(long = "allowed-origin")]
        allowed_origins: Vec<String>,
        /// Keep users from editing their own display name and avatar (`PATCH /users/me`).
        #[arg(long)]
        no_self_profile_edit: bool,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Change a setting of a resource and print the resource as JSON.
    Set {
        #[arg(value_parser = resource_name)]
        resource_id: ResourceId,
        /// Whether users may edit their own display name and avatar (`PATCH /users/me`).
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        self_profile_edit: bool,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Print every resource as JSON (never their keys).
    List {
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Print one resource and its counters as JSON (never its keys).
    Show {
        #[arg(value_parser = resource_name)]
        resource_id: ResourceId,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Replace a resource's API key and secret and print the new ones (shown this once); the old
    /// ones stop working at once here, and within a second on running servers.
    RotateKeys {
        #[arg(value_parser = resource_name)]
        resource_id: ResourceId,
        #[command(flatten)]
        database: DatabaseConfig,
    },
}

impl ResourceCommand {
    /// Runs the command against its database and prints the result as JSON.
    async fn run(self) -> anyhow::Result<()> {
        let output = match self {
            ResourceCommand::Create {
                resource_id,
                open,
                allowed_origins,
                no_self_profile_edit,
                database,
            } => {
                let request = CreateResource {
                    resource_id,
                    token_issuance: if open {
                        TokenIssuance::Open
                    } else {
                        TokenIssuance::Secret
                    },
                    allowed_origins,
                    self_profile_edit: !no_self_profile_edit,
                };
                serde_json::to_value(
                    tenants::create_resource(&connect(&database).await?, request).await?,
                )?
            }
            ResourceCommand::Set {
                resource_id,
                self_profile_edit,
                database,
            } => {
                let store = connect(&database).await?;
                if !store
                    .set_self_profile_edit(&resource_id, self_profile_edit)
                    .await?
                {
                    return Err(Error::NotFound("resource").into());
                }
                serde_json::to_value(find_resource(&store, &resource_id).await?)?
            }
            ResourceCommand::List { database } => {
                serde_json::to_value(connect(&database).await?.list_resources().await?)?
            }
            ResourceCommand::Show {
                resource_id,
                database,
            } => {
                let store = connect(&database).await?;
                let mut shown = serde_json::to_value(find_resource(&store, &resource_id).await?)?;
                shown["stats"] = serde_json::to_value(store.stats(&resource_id, now_ms()).await?)?;
                shown
            }
            ResourceCommand::RotateKeys {
                resource_id,
                database,
            } => serde_json::to_value(
                tenants::rotate_keys(&connect(&database).await?, &resource_id).await?,
            )?,
        };
        println!("{}", serde_json::to_string_pretty(&output)?);
        Ok(())
    }
}

/// A resource id given on the command line, looked up as it is.
fn resource_name(name: &str) -> Result<ResourceId, Infallible> {
    Ok(ResourceId::named(name))
}

async fn find_resource(store: &Store, resource_id: &ResourceId) -> anyhow::Result<Resource> {
    let (resource, _) = store
        .find_resource(resource_id)
        .await?
        .ok_or(Error::NotFound("resource"))?;
    Ok(resource)
}

async fn print_token(
    resource_id: &ResourceId,
    user_id: &str,
    jwt_secret: Option<&str>,
    database: &DatabaseConfig,
) -> anyhow::Result<()> {
    let store = connect(database).await?;
    // Text that is not of the id shape names no user.
    let user_id = UserId::parse(user_id).ok_or(Error::NotFound("user"))?;
    let user = store
        .find_user(resource_id, &user_id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let keys = JwtKeys::new(&app::token_key(&store, jwt_secret).await?);
    let token = ChatToken::issue(&keys, user)?;
    println!("{}", serde_json::to_string_pretty(&token)?);
    Ok(())
}

async fn connect(database: &DatabaseConfig) -> anyhow::Result<Store> {
    Store::connect(&database.url, database.sqlite_sync).await
}

/// Parses the command line and runs the command.
pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        // Colour codes only for a person at a terminal, never into files or log collectors.
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        // One object a line; the request span's fields (route, request id, resource, user, error
        // code) are in `span`.
        LogFormat::Json => logs.json().with_ansi(false).init(),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(config) => serve(config).await,
            Command::Resource { command } => command.run().await,
            Command::Token {
                resource_id,
                user_id,
                jwt_secret,
                database,
            } => print_token(&resource_id, &user_id, jwt_secret.as_deref(), &database).await,
        }
    });
    // Whatever is still running after the shutdown deadline (a stuck client's task, a blocking
    // store call) must not keep the process alive.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let state = AppState::new(&config).await?;
    if config.operator_key.is_none() {
        if let Some(demo) = tenants::create_demo_resource(&state.store).await? {
            print_demo_keys(&demo);
        }
    }
    if state
        .store
        .find_resource(&ResourceId::named(tenants::DEMO_RESOURCE))
        .await?
        .is_some()
    {
        println!(
            "Lost the demo keys? `chatcloud resource rotate-keys {}` (with this server's \
             --database-url) prints new ones.",
            tenants::DEMO_RESOURCE
        );
    }
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    if let Some(address) = config.metrics_bind {
        let metrics = TcpListener::bind(address)
            .await
            .with_context(|| format!("binding {address} for /metrics"))?;
        println!("Metrics listening on http://{}", metrics.local_addr()?);
        tokio::spawn(crate::http::serve_metrics(metrics, state.clone()));
    }
    let shutdown = shutdown_signal()?;
    println!("ChatCloud listening on http://{}", listener.local_addr()?);
    crate::http::serve(listener, state, shutdown).await;
    Ok(())
}

fn print_demo_keys(demo: &ProvisionedResource) {
    println!(
        "Created the demo resource `{}` (open token issuance, every origin allowed).\n\
         Its keys are shown this once; keep them:\n  x-api-key:    {}\n  x-api-secret: {}",
        demo.resource_id, demo.api_key, demo.api_secret
    );
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed here, before the server says it
/// is listening: installed on the future's first poll, a signal that came sooner (a supervisor
/// stopping a server that has just started) killed the process instead of draining it.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("handling SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("handling SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}
